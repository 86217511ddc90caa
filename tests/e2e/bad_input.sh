#!/bin/sh
# tests/e2e/bad_input.sh - bad input, tried on purpose (issue 5).
#
# A ledger from `genledger --bad` (the good cases of a plain ledger of the
# same seed, plus one case per injected fault, listed in LEDGER.faults.tsv)
# goes through a night; every fault must reach exceptions.csv with its
# reason, every good case must get exactly the documents (same SHA-256) it
# gets from the plain ledger, and nothing may crash. Then unreadable ledgers
# (truncated, not SQLite, empty, missing) must exit 65, and bad set-ups
# (config keys missing or of the wrong type, a layout box outside the page,
# a font that is not a font) must exit 78 naming the file and the key, all
# before any output.
#
#   sh tests/e2e/bad_input.sh      from anywhere
#   NOTICEGEN_BUILD=build-asan     the folder holding noticegen and genledger;
#                                  any sanitizer report in a run's stderr fails
#   KEEP=1                         keep the temporary folder (its path is printed)
#
# Prints "ok - ..." / "not ok - ..." per check, "#" lines with details, and
# ends with "N passed, M failed"; exits 1 if anything failed. POSIX sh.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DATE=2026-11-03
CASES=50
SEED=11
LIMIT=180                 # seconds any one noticegen run may take
TMP=$(mktemp -d "${TMPDIR:-/tmp}/noticegen-bad.XXXXXX") || { echo "cannot make a temp dir"; exit 1; }
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
LOGS=$TMP/logs
PROBS=$TMP/problems
mkdir -p "$LOGS"

VERDICT_LINES=15

# ngrun NAME CONFIG [DATE]: one night; stderr in $LOGS/NAME.err, exit status in RC.
ngrun() {
	timeout "$LIMIT" "$NG" run --config "$2" --date "${3:-$DATE}" > "$LOGS/$1.out" 2> "$LOGS/$1.err"
	RC=$?
}
file_sha() { sha256sum < "$1" | cut -d ' ' -f 1; }
# crashed NAME: a problem line if the run died of a signal, timed out or a sanitizer spoke.
crashed() {
	if [ "$RC" -ge 124 ]; then
		problem "exit status $RC: $([ "$RC" = 124 ] && echo "timed out after $LIMIT s" || echo "killed by a signal or aborted")"
	fi
	if grep -q -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' "$LOGS/$1.err"; then
		problem "sanitizer report in $1.err: $(grep -m 1 -e 'Sanitizer' -e 'runtime error:' "$LOGS/$1.err" | cut -c 1-160)"
	fi
}
# csv_table CSV DB TABLE: load an RFC 4180 file (quotes, CRLF) into a table with sqlite3's importer.
csv_table() {
	sqlite3 "$2" ".import --csv '$1' $3"
}
# matches REASON EXPECT: every ';' term of EXPECT appears in REASON (case-insensitive),
# a term being satisfied by any of its '|' alternatives.
matches() {
	printf '%s\n' "$1" | awk -v want="$2" '
		{ r = r "\n" tolower($0) }
		END {
			n = split(want, terms, ";")
			for (i = 1; i <= n; i++) {
				k = split(terms[i], alts, "|"); hit = 0
				for (j = 1; j <= k; j++) if (alts[j] != "" && index(r, tolower(alts[j]))) hit = 1
				if (!hit) exit 1
			}
		}'
}

# --- prerequisites -----------------------------------------------------------
need sqlite3 qpdf sha256sum timeout awk

# --- 1. the ledgers: clean, and the same with faults -------------------------
C=$TMP/clean
B=$TMP/bad
mkdir -p "$C" "$B"
"$GEN" --out "$C/ledger.db" --cases "$CASES" --seed "$SEED" --as-of "$DATE" > "$LOGS/gen-clean.log" 2>&1 ||
	{ sed 's/^/#   /' "$LOGS/gen-clean.log"; bail "1 genledger makes the clean ledger"; }
"$GEN" --out "$B/ledger.db" --cases "$CASES" --seed "$SEED" --as-of "$DATE" --bad > "$LOGS/gen-bad.log" 2>&1 ||
	{ sed 's/^/#   /' "$LOGS/gen-bad.log"; bail "1 genledger --bad makes the bad ledger"; }
FAULTS=$B/ledger.db.faults.tsv
[ -s "$FAULTS" ] || bail "1 genledger --bad lists its faults in $(basename "$FAULTS")"
NFAULTS=$(($(wc -l < "$FAULTS") - 1))
cp "$C/ledger.db" "$TMP/pristine.db"

# --bad twice gives the same bytes
"$GEN" --out "$TMP/again.db" --cases "$CASES" --seed "$SEED" --as-of "$DATE" --bad > /dev/null 2>&1 || problem "second genledger --bad failed"
cmp -s "$TMP/again.db" "$B/ledger.db" || problem "the ledger differs between two runs of genledger --bad"
cmp -s "$TMP/again.db.faults.tsv" "$FAULTS" || problem "the faults list differs between two runs"
rm -f "$TMP/again.db" "$TMP/again.db.faults.tsv"
verdict "1 genledger --bad is deterministic ($NFAULTS faults)"

# The good cases of the bad ledger are the clean ledger's, row for row.
for t in cases parties orders charges payments disbursements adjustments; do
	d=$(sqlite3 "$B/ledger.db" "ATTACH '$C/ledger.db' AS c;
		SELECT (SELECT count(*) FROM (SELECT * FROM c.$t EXCEPT SELECT * FROM main.$t WHERE case_key <= $CASES))
		    || ' ' || (SELECT count(*) FROM (SELECT * FROM main.$t WHERE case_key <= $CASES EXCEPT SELECT * FROM c.$t))
		    || ' ' || (SELECT count(*) FROM c.$t WHERE case_key > $CASES)")
	[ "$d" = "0 0 0" ] || problem "$t: rows only in clean, only in bad, clean beyond case $CASES: $d"
done
bad_keys=$(awk -F '\t' 'NR > 1 { print $1 }' "$FAULTS" | sort -n | tr '\n' ' ')
[ "$(awk -F '\t' -v n="$CASES" 'NR > 1 && $1 <= n' "$FAULTS" | wc -l)" = 0 ] || problem "a fault case has a key <= $CASES"
verdict "1 the bad ledger's cases 1-$CASES are the clean ledger's, row for row in every table (fault cases: $bad_keys)"

# --- 2. the night on both -----------------------------------------------------
"$NG" keygen "$C/pin.key" > "$LOGS/keygen.log" 2>&1 || bail "2 noticegen keygen"
cp -p "$C/pin.key" "$B/pin.key"
write_config "$C/noticegen.ini" "$C"
write_config "$B/noticegen.ini" "$B"

ngrun clean "$C/noticegen.ini"
RCC=$RC
crashed clean
case $RCC in 0|1) ;; *) problem "exit status $RCC"; grep -v ': info: ' "$LOGS/clean.err" | head -n 3 | sed 's/^/stderr: /' >> "$PROBS" ;; esac
[ -f "$C/out/$DATE/manifest.csv" ] || problem "no manifest.csv"
verdict "2 the night on the clean ledger completes (exit $RCC)"

# The PINs the clean run issued go into the bad ledger (same parties, same key), so the
# PIN letters of good cases are comparable byte for byte; fault cases have no new order.
sqlite3 "$B/ledger.db" "ATTACH '$C/ledger.db' AS c; BEGIN;
	INSERT INTO main.pins SELECT * FROM c.pins; INSERT INTO main.pin_audit SELECT * FROM c.pin_audit; COMMIT;" ||
	bail "2 copying the clean run's PINs into the bad ledger"

ngrun bad "$B/noticegen.ini"
RCB=$RC
crashed bad
[ "$RCB" = 1 ] || { problem "exit status $RCB, expected 1"; grep -v ': info: ' "$LOGS/bad.err" | grep -v ': warning: ' | head -n 3 | sed 's/^/stderr: /' >> "$PROBS"; }
RD=$B/out/$DATE
[ -f "$RD/exceptions.csv" ] && [ -f "$RD/manifest.csv" ] || problem "no exceptions.csv or manifest.csv in $RD"
verdict "2 the night on the bad ledger exits 1 (done, with exceptions), no crash"
[ -f "$RD/exceptions.csv" ] && [ -f "$RD/manifest.csv" ] || bail "2 the bad run left its reports"

# --- 3. every fault in exceptions.csv with its reason -------------------------
R=$TMP/reports.db
csv_table "$RD/exceptions.csv" "$R" bx
csv_table "$RD/manifest.csv" "$R" bm
csv_table "$C/out/$DATE/exceptions.csv" "$R" cx
csv_table "$C/out/$DATE/manifest.csv" "$R" cm
tab=$(printf '\t')
while IFS="$tab" read -r key id county fault expect what; do
	[ "$key" = case_key ] && continue
	reasons=$(sqlite3 "$R" "SELECT reason FROM bx WHERE case_key = '$key'")
	docs=$(sqlite3 "$R" "SELECT count(*) FROM bm WHERE case_id = '$id' AND county = '$county'")
	if [ "$expect" = - ]; then
		# valid rows: served like any case, no exception
		if [ -z "$reasons" ] && [ "$docs" -gt 0 ]; then
			ok "3 $fault (case $key $id, $county): accepted, no exception, $docs documents ($what)"
		else
			notok "3 $fault (case $key $id, $county): expected to be served; exceptions: '$reasons', documents: $docs"
		fi
		continue
	fi
	hit=
	if [ -n "$reasons" ]; then
		hit=$(printf '%s\n' "$reasons" | while IFS= read -r r; do matches "$r" "$expect" && { printf '%s\n' "$r"; break; }; done)
	fi
	if [ -n "$hit" ]; then
		ok "3 $fault (case $key $id, $county): exception '$(printf '%s' "$hit" | cut -c 1-110)'"
	else
		notok "3 $fault (case $key $id, $county): no exception matching '$expect' ($what)"
		if [ -n "$reasons" ]; then
			printf '%s\n' "$reasons" | sed 's/^/#   reason: /'
		else
			echo "#   no exception row for case_key $key; $docs documents made:"
			sqlite3 -separator ' ' "$R" "SELECT doc_type, party_role, pdf_path FROM bm WHERE case_id = '$id' AND county = '$county'" | sed 's/^/#     /'
		fi
	fi
done < "$FAULTS"

# --- 4. the good cases: same documents, same bytes, same exceptions ----------
# The set of (case_id, county, doc_type, party_role, sha256): seq differs, nothing else may.
sqlite3 -separator ' ' "$R" "SELECT case_id, county, doc_type, party_role, sha256 FROM cm ORDER BY 1,2,3,4,5" > "$TMP/docs.clean"
sqlite3 -separator ' ' "$R" "SELECT case_id, county, doc_type, party_role, sha256 FROM bm ORDER BY 1,2,3,4,5" > "$TMP/docs.bad"
missing=$(sqlite3 -separator ' ' "$R" "SELECT case_id, county, doc_type, party_role, substr(sha256, 1, 12) FROM
	(SELECT case_id, county, doc_type, party_role, sha256 FROM cm EXCEPT SELECT case_id, county, doc_type, party_role, sha256 FROM bm)")
[ -z "$missing" ] || printf '%s\n' "$missing" | sed 's/^/missing or different in the bad run: /' >> "$PROBS"
[ -s "$TMP/docs.clean" ] || problem "the clean run made no document"
verdict "4 every good case's documents are made from the bad ledger, byte-identical ($(wc -l < "$TMP/docs.clean") documents)"

fault_ids=$(awk -F '\t' 'NR > 1 { printf "%s\x27%s\x27", (n++ ? "," : ""), $2 }' "$FAULTS")
extra=$(sqlite3 -separator ' ' "$R" "SELECT case_id, county, doc_type, party_role FROM
	(SELECT case_id, county, doc_type, party_role, sha256 FROM bm EXCEPT SELECT case_id, county, doc_type, party_role, sha256 FROM cm)
	WHERE case_id NOT IN ($fault_ids)")
[ -z "$extra" ] || printf '%s\n' "$extra" | sed 's/^/a good case got a document the clean run did not make: /' >> "$PROBS"
xdiff=$(sqlite3 -separator ' | ' "$R" "
	SELECT 'only clean', case_key, party_id, doc_type, reason FROM (SELECT case_key, party_id, doc_type, reason FROM cx EXCEPT
		SELECT case_key, party_id, doc_type, reason FROM bx WHERE CAST(case_key AS INTEGER) <= $CASES)
	UNION ALL
	SELECT 'only bad', case_key, party_id, doc_type, reason FROM (SELECT case_key, party_id, doc_type, reason FROM bx
		WHERE CAST(case_key AS INTEGER) <= $CASES EXCEPT SELECT case_key, party_id, doc_type, reason FROM cx)")
[ -z "$xdiff" ] || printf '%s\n' "$xdiff" | sed 's/^/exceptions of good cases differ: /' >> "$PROBS"
verdict "4 good cases get nothing more and the same exceptions as in the clean run ($(sqlite3 "$R" 'SELECT count(*) FROM cx') exception rows)"

# The fault cases that were served anyway (the duplicate payments, and any fault that
# slipped through) still produced sound PDFs.
served=$(sqlite3 "$R" "SELECT pdf_path FROM bm WHERE case_id IN ($fault_ids)")
n=0
for p in $served; do
	n=$((n + 1))
	qpdf --check "$RD/$p" > "$LOGS/qpdf.out" 2>&1 || problem "qpdf --check $p: $(grep -v '^checking\|^PDF Version\|^File is not\|^No syntax' "$LOGS/qpdf.out" | head -n 1)"
done
verdict "4 the $n PDFs made for fault cases pass qpdf --check"

# The same date again (as after a kill, or a second cron start): each exception
# once, as before; then with two faults mended, theirs are gone and the rest stay.
cp "$RD/exceptions.csv" "$TMP/exceptions.first"
ngrun again "$B/noticegen.ini"
crashed again
[ "$RC" = 1 ] || problem "exit status $RC, expected 1"
cmp -s "$TMP/exceptions.first" "$RD/exceptions.csv" ||
	diff "$TMP/exceptions.first" "$RD/exceptions.csv" | head -n 4 | sed 's/^/exceptions.csv changed: /' >> "$PROBS"
verdict "4 the same date run again: exit 1, exceptions.csv unchanged ($(($(wc -l < "$RD/exceptions.csv") - 1)) rows, none twice)"
fault_case() { awk -F '\t' -v f="$1" '$4 == f { print $1 }' "$FAULTS"; }
lang_key=$(fault_case language-unknown)
zip_key=$(fault_case address-no-zip)
[ -n "$lang_key" ] && [ -n "$zip_key" ] || bail "4 genledger --bad no longer makes the faults language-unknown and address-no-zip"
sqlite3 "$B/ledger.db" "UPDATE parties SET lang = 'en' WHERE case_key = $lang_key AND lang = 'xx';
	UPDATE parties SET zip = '11201' WHERE case_key = $zip_key AND (zip IS NULL OR zip = '')"
ngrun mended "$B/noticegen.ini"
crashed mended
[ "$RC" = 1 ] || problem "exit status $RC, expected 1 (other faults remain)"
csv_table "$RD/exceptions.csv" "$R" mx
left=$(sqlite3 "$R" "SELECT count(*) FROM mx WHERE case_key IN ('$lang_key', '$zip_key')")
[ "$left" = 0 ] || problem "$left exception rows of the mended cases $lang_key and $zip_key remain"
kept=$(sqlite3 "$R" "SELECT count(*) FROM (SELECT * FROM bx WHERE case_key NOT IN ('$lang_key', '$zip_key') EXCEPT SELECT * FROM mx)")
[ "$kept" = 0 ] || problem "$kept exception rows of other cases are gone"
made=$(sqlite3 "$B/ledger.db" "SELECT count(*) FROM journal WHERE case_key IN ($lang_key, $zip_key)")
[ "$made" -gt 0 ] || problem "the mended cases got no documents"
verdict "4 two faults mended and the date run again: their exceptions are gone, the others stay, they get documents ($made)"

# --- 5. ledgers that cannot be read: exit 65, a clear message, no run folder ---
# bad_ledger NAME FILE-MAKER WORD...: the config points at DIR/ledger.db as made by
# the command; exit 65, message names the file and every WORD (alternatives with |),
# no <output>/<date> folder.
bad_ledger() {
	name=$1
	shift
	d=$TMP/$name
	mkdir -p "$d"
	write_config "$d/noticegen.ini" "$d"
	cp -p "$C/pin.key" "$d/pin.key"
	sh -c "$1" sh "$d/ledger.db" || problem "test set-up: cannot make $d/ledger.db"
	shift
	before=$( [ -e "$d/ledger.db" ] && file_sha "$d/ledger.db")
	ngrun "$name" "$d/noticegen.ini"
	crashed "$name"
	[ "$RC" = 65 ] || problem "exit status $RC, expected 65"
	grep -qF "$d/ledger.db" "$LOGS/$name.err" || problem "the message does not name $d/ledger.db"
	for w in "$@"; do
		matches "$(grep -v ': info: ' "$LOGS/$name.err")" "$w" || problem "the message does not say '$w'"
	done
	[ -e "$d/out/$DATE" ] && problem "the run folder $d/out/$DATE was created"
	if [ -n "$before" ]; then
		[ "$(file_sha "$d/ledger.db")" = "$before" ] || problem "the ledger file was modified"
	fi
	[ -s "$PROBS" ] && grep -v ': info: ' "$LOGS/$name.err" | head -n 3 | cut -c 1-300 | sed 's/^/stderr: /' >> "$PROBS"
	return 0
}
bad_ledger truncated "head -c 5000 '$TMP/pristine.db' > \"\$1\"" "malformed|corrupt|truncated|not an sqlite|not a database|cannot"
verdict "5 a truncated ledger (the first 5000 bytes): exit 65, message names the file, no run folder"
bad_ledger random "head -c 65536 /dev/urandom > \"\$1\"" "not an sqlite|not a database"
verdict "5 a ledger of random bytes: exit 65, message names the file, no run folder"
bad_ledger empty ": > \"\$1\"" "schema|init-db|not an sqlite|empty"
verdict "5 an empty ledger file: exit 65, message names the file, no run folder"
bad_ledger missing "true" "cannot open|no such|not found|does not exist"
verdict "5 a ledger file that does not exist: exit 65, message names the file, no run folder"
bad_ledger halfpage "head -c 100000 '$TMP/pristine.db' > \"\$1\"" "malformed|corrupt|truncated|not an sqlite|not a database|cannot"
verdict "5 a truncated ledger (the first 100000 bytes, the schema intact): exit 65, message names the file, no run folder"

# --- 6. bad set-ups: exit 78, naming file and key, before any output -------------
# bad_setup NAME CONFIG WORD...: exit 78; the message holds every WORD (alternatives
# with |); no run folder; the ledger unchanged.
bad_setup() {
	name=$1
	cfg=$2
	shift 2
	d=$(dirname "$cfg")
	before=$(file_sha "$d/ledger.db")
	ngrun "$name" "$cfg"
	crashed "$name"
	[ "$RC" = 78 ] || problem "exit status $RC, expected 78"
	for w in "$@"; do
		matches "$(grep -v ': info: ' "$LOGS/$name.err")" "$w" || problem "the message does not name '$w'"
	done
	[ -e "$d/out/$DATE" ] && problem "the run folder $d/out/$DATE was created"
	[ "$(file_sha "$d/ledger.db")" = "$before" ] || problem "the ledger was modified"
	[ -s "$PROBS" ] && grep -v ': info: ' "$LOGS/$name.err" | head -n 3 | cut -c 1-300 | sed 's/^/stderr: /' >> "$PROBS"
	return 0
}
# corner NAME: a fresh folder with the clean ledger, the key and a config; prints the config.
corner() {
	mkdir -p "$TMP/$1"
	cp "$TMP/pristine.db" "$TMP/$1/ledger.db"
	cp -p "$C/pin.key" "$TMP/$1/pin.key"
	write_config "$TMP/$1/noticegen.ini" "$TMP/$1"
	echo "$TMP/$1/noticegen.ini"
}

K=$(corner nooutput)
del_key "$K" paths output || problem "test set-up: no [paths] output"
bad_setup nooutput "$K" noticegen.ini output
verdict "6 config without [paths] output: exit 78, message names the file and the key"

K=$(corner nodueday)
del_key "$K" schedule coupon_due_day || problem "test set-up: no [schedule] coupon_due_day"
bad_setup nodueday "$K" noticegen.ini coupon_due_day
verdict "6 config without [schedule] coupon_due_day: exit 78, message names the file and the key"

for v in abc 0x0A 12.5 10abc 99 -3 "''"; do
	nm=cycle-$(printf '%s' "$v" | tr -c 'A-Za-z0-9' '_')
	K=$(corner "$nm")
	set_key "$K" schedule cycle_day "$v" || problem "test set-up: no [schedule] cycle_day"
	bad_setup "$nm" "$K" noticegen.ini cycle_day
	verdict "6 config with cycle_day = $v: exit 78, message names the file and the key"
done

K=$(corner duplex)
set_key "$K" print duplex maybe || problem "test set-up: no [print] duplex"
bad_setup duplex "$K" noticegen.ini duplex
verdict "6 config with duplex = maybe: exit 78, message names the file and the key"

K=$(corner freq)
set_key "$K" schedule statement_frequency weekly || problem "test set-up: no [schedule] statement_frequency"
bad_setup freq "$K" noticegen.ini statement_frequency
verdict "6 config with statement_frequency = weekly: exit 78, message names the file and the key"

# cycle_day = 010: decimal 10 (or refused clearly), never octal 8. On the 9th no
# notice is due with 10 (one would be with 8); on the 10th notices are due.
K=$(corner octal)
set_key "$K" schedule cycle_day 010 || problem "test set-up: no [schedule] cycle_day"
ngrun octal9 "$K" 2026-11-09
crashed octal9
if [ "$RC" = 78 ]; then
	grep -q cycle_day "$LOGS/octal9.err" || problem "refused (78) without naming cycle_day"
	OCT="refused with 78"
elif [ "$RC" = 0 ] || [ "$RC" = 1 ]; then
	n9=$(grep -c '^[0-9]*,\(notice\|statement\),' "$TMP/octal/out/2026-11-09/manifest.csv" 2>/dev/null)
	[ "${n9:-0}" = 0 ] || problem "on 2026-11-09 with cycle_day = 010 the run made $n9 notices/statements: 010 was read as 8 (octal)"
	ngrun octal10 "$K" 2026-11-10
	crashed octal10
	n10=$(grep -c '^[0-9]*,\(notice\|statement\),' "$TMP/octal/out/2026-11-10/manifest.csv" 2>/dev/null)
	[ "${n10:-0}" -gt 0 ] || problem "on 2026-11-10 with cycle_day = 010 no notice or statement was made (exit $RC)"
	OCT="read as 10: none on the 9th, ${n10:-0} on the 10th"
else
	problem "exit status $RC"
	OCT="exit $RC"
fi
verdict "6 config with cycle_day = 010 is read as decimal 10 or refused, never as octal 8 ($OCT)"

# layouts: boxes outside the page, another way than run.sh's (coupon.ini [amount] x)
# bad_layout NAME FILE SECTION KEY VALUE: the run on a copy of the layouts with that one key changed.
bad_layout() {
	K=$(corner "$1")
	cp -r "$ROOT/layouts" "$TMP/$1/layouts"
	set_key "$TMP/$1/layouts/$2" "$3" "$4" "$5" || problem "test set-up: no [$3] $4 in $2"
	set_key "$K" paths layouts "$TMP/$1/layouts" || problem "test set-up: cannot point the config at the layouts copy"
	bad_setup "$1" "$K" "$2" "$3"
}
bad_layout negbox common.ini letterhead y -20
verdict "6 layout box above the page (common.ini [letterhead] y = -20): exit 78, message names the file and the box"

bad_layout tallbox notice.ini table h 700
verdict "6 layout box below the page's foot (notice.ini [table] h = 700): exit 78, message names the file and the box"

bad_layout widebox pinletter.ini qr_link w 1e9
verdict "6 layout box 1e9 points wide (pinletter.ini [qr_link] w): exit 78, message names the file and the box"

# fonts: a file that is not a font, and a real font cut short
K=$(corner notfont)
F=$TMP/notfont/fonts.ini
cp /etc/hostname "$TMP/notfont/x.ttf" 2>/dev/null || printf 'localhost\n' > "$TMP/notfont/x.ttf"
cp "$ROOT/fonts/fonts.ini" "$F"
set_key "$F" latin regular "$TMP/notfont/x.ttf" || problem "test set-up: no [latin] regular in fonts.ini"
set_key "$K" paths fonts "$F" || problem "test set-up: cannot point the config at $F"
bad_setup notfont "$K" fonts.ini regular x.ttf
verdict "6 fonts file naming a file that is not a font (/etc/hostname as x.ttf): exit 78, message names the file and the key"

K=$(corner cutfont)
F=$TMP/cutfont/fonts.ini
src=$(awk -F '=' '/^[ \t]*\[ocr\]/ { s = 1 } s && $1 ~ /^[ \t]*regular[ \t]*$/ { gsub(/[ \t]/, "", $2); print $2; exit }' "$ROOT/fonts/fonts.ini")
if [ -r "$src" ]; then
	head -c 3000 "$src" > "$TMP/cutfont/short.ttf"
	cp "$ROOT/fonts/fonts.ini" "$F"
	set_key "$F" ocr regular "$TMP/cutfont/short.ttf" || problem "test set-up: no [ocr] regular in fonts.ini"
	set_key "$K" paths fonts "$F" || problem "test set-up: cannot point the config at $F"
	bad_setup cutfont "$K" fonts.ini regular
else
	problem "test set-up: cannot read the [ocr] font '$src'"
fi
verdict "6 fonts file naming a TrueType file cut after 3000 bytes: exit 78, message names the file and the key"

# --- 7. sanitizers, over every run --------------------------------------------
hits=$(grep -l -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' "$LOGS"/*.err 2>/dev/null)
[ -z "$hits" ] || for f in $hits; do problem "$(basename "$f"): $(grep -m 1 -e 'Sanitizer' -e 'runtime error:' "$f" | cut -c 1-200)"; done
verdict "7 no sanitizer report in the stderr of any of the $(ls "$LOGS"/*.err | wc -l) runs"

finish
