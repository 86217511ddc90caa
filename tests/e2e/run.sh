#!/bin/sh
# End-to-end tests of noticegen: a generated ledger, the real binary, real
# PDFs checked with tools nobody here wrote (qpdf, poppler, zbar, sqlite3).
#
#   sh tests/e2e/run.sh            from the repository root (or anywhere)
#   NOTICEGEN_BUILD=build-asan     the folder holding noticegen and genledger
#   KEEP=1                         keep the temporary folder (its path is printed)
#
# Prints "ok - ..." / "not ok - ..." per check, "#" lines with details, and
# ends with "N passed, M failed"; exits 1 if anything failed. Every expected
# value comes from the ledger (sqlite3) or the config the test writes; the
# parsing of the PDFs is in ngcheck.py beside this script.
#
# POSIX sh (dash) on purpose: `sh tests/e2e/run.sh` ignores any #! line.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DATE=2026-11-03            # the run date; the ledger is generated as of it
CASES=60
SEED=7
LIMIT=120                  # seconds any one noticegen run may take
PY="python3 $HERE/ngcheck.py"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/noticegen-e2e.XXXXXX") || { echo "cannot make a temp dir"; exit 1; }
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
LOGS=$TMP/logs
PROBS=$TMP/problems
mkdir -p "$LOGS"

# Runs an ngcheck.py check, shows its lines, counts its ok / not ok.
pycheck() {
	out=$($PY "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed -e '/^ok - /b' -e '/^not ok - /b' -e '/^#/b' -e 's/^/#   /'
	p=$(printf '%s\n' "$out" | grep -c '^ok - ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		notok "ngcheck.py $1 did not finish (exit $rc)"
	fi
}

# ngrun NAME CONFIG [options]: one night, stderr to $LOGS/NAME.err, exit status in RC.
ngrun() {
	name=$1
	cfg=$2
	shift 2
	timeout "$LIMIT" "$NG" run --config "$cfg" --date "$DATE" "$@" > "$LOGS/$name.out" 2> "$LOGS/$name.err"
	RC=$?
}
# pdf_sums DIR: "sha256  ./path" of every PDF under DIR, sorted by path.
pdf_sums() { (cd "$1" 2>/dev/null && find . -type f -name '*.pdf' -exec sha256sum {} + | LC_ALL=C sort -k 2); }
all_files() { (cd "$1" 2>/dev/null && find . -type f | LC_ALL=C sort); }
journal_count() { sqlite3 "$1" "SELECT count(*) FROM journal${2:+ WHERE run_date = '$2'}"; }
file_sha() { sha256sum < "$1" | cut -d ' ' -f 1; }

# --- prerequisites -----------------------------------------------------------
need qpdf pdftotext pdffonts pdfinfo pdftoppm zbarimg sqlite3 sha256sum python3 flock timeout

# --- the ledger, the key, the config, the night ------------------------------
W=$TMP/main
mkdir -p "$W"
"$GEN" --out "$W/ledger.db" --cases "$CASES" --seed "$SEED" --as-of "$DATE" > "$LOGS/genledger.log" 2>&1 ||
	{ sed 's/^/#   /' "$LOGS/genledger.log"; bail "0 genledger makes the sample ledger"; }
cp "$W/ledger.db" "$TMP/pristine.db"
sqlite3 "$TMP/pristine.db" .dump > "$TMP/pristine.sql"
"$NG" keygen "$W/pin.key" > "$LOGS/keygen.log" 2>&1 || bail "0 noticegen keygen"
write_config "$W/noticegen.ini" "$W"
RD=$W/out/$DATE

export NG_RUN_DIR="$RD" NG_CACHE="$TMP/cache" NG_DB="$W/ledger.db" NG_CONFIG="$W/noticegen.ini" NG_DATE="$DATE"
mkdir -p "$NG_CACHE"

ngrun first "$W/noticegen.ini" --verbose
RC1=$RC
echo "# first run: exit $RC1, $(tail -n 1 "$LOGS/first.err")"
[ -f "$RD/manifest.csv" ] || bail "1 the first run made $RD/manifest.csv (exit $RC1)"
$PY extract || notok "0 text extraction from the PDFs"

# 1. exit code, exceptions, every other case's documents
[ "$RC1" = 1 ] || { problem "exit status $RC1"; sed 's/^/stderr: /' "$LOGS/first.err" | grep -v ': info: ' | head -n 5 >> "$PROBS"; }
verdict "1 the first run exits 1 (done, with exceptions)"
pycheck c1
# 2. all four document types
pycheck c2
# 3. qpdf --check, fonts embedded
pycheck c3
# 4. case_id and recipient name in the text
pycheck c4
# 5. money
pycheck c5
# 6. QR codes
pycheck c6
# 7. manifest, journal, XLSX
pycheck c7

# 8. rerun the same date: nothing new
cp "$RD/manifest.csv" "$TMP/manifest.first.csv"
pdf_sums "$RD" > "$TMP/pdfs.first"
all_files "$W/out" > "$TMP/files.first"
J1=$(journal_count "$W/ledger.db" "$DATE")
JALL1=$(journal_count "$W/ledger.db")
ngrun rerun "$W/noticegen.ini"
[ "$RC" = 1 ] || problem "exit status $RC (the first run's was $RC1)"
cmp -s "$RD/manifest.csv" "$TMP/manifest.first.csv" || problem "manifest.csv changed: $(diff "$TMP/manifest.first.csv" "$RD/manifest.csv" | head -n 3 | tr '\r\n' '  ')"
pdf_sums "$RD" > "$TMP/pdfs.rerun"
cmp -s "$TMP/pdfs.first" "$TMP/pdfs.rerun" || diff "$TMP/pdfs.first" "$TMP/pdfs.rerun" | grep '^[<>]' | head -n 5 | sed 's/^/PDFs: /' >> "$PROBS"
all_files "$W/out" > "$TMP/files.rerun"
cmp -s "$TMP/files.first" "$TMP/files.rerun" || diff "$TMP/files.first" "$TMP/files.rerun" | grep '^[<>]' | head -n 5 | sed 's/^/files: /' >> "$PROBS"
J2=$(journal_count "$W/ledger.db" "$DATE")
JALL2=$(journal_count "$W/ledger.db")
[ "$J1" = "$J2" ] && [ "$JALL1" = "$JALL2" ] || problem "journal rows for $DATE $J1 -> $J2 (all dates $JALL1 -> $JALL2)"
[ "$(wc -l < "$TMP/pdfs.first")" -gt 0 ] || problem "no PDF to compare"
verdict "8 rerun of $DATE: no new documents or files, manifest.csv byte-identical, journal unchanged ($J2 rows)"

# 9. reprint: journal rows of the date and the run folder gone, run again, same bytes
sqlite3 "$W/ledger.db" "DELETE FROM journal WHERE run_date = '$DATE'"
rm -rf "$RD"
ngrun reprint "$W/noticegen.ini"
[ "$RC" = 1 ] || problem "exit status $RC"
if [ -f "$RD/manifest.csv" ]; then
	cmp -s "$RD/manifest.csv" "$TMP/manifest.first.csv" || problem "manifest.csv differs from the first run's: $(diff "$TMP/manifest.first.csv" "$RD/manifest.csv" | grep '^[<>]' | head -n 2 | tr '\r\n' '  ')"
else
	problem "no manifest.csv"
fi
pdf_sums "$RD" > "$TMP/pdfs.reprint"
cmp -s "$TMP/pdfs.first" "$TMP/pdfs.reprint" || diff "$TMP/pdfs.first" "$TMP/pdfs.reprint" | grep '^[<>]' | head -n 6 | sed 's/^/SHA-256: /' >> "$PROBS"
[ "$(journal_count "$W/ledger.db" "$DATE")" = "$J1" ] || problem "journal has $(journal_count "$W/ledger.db" "$DATE") rows for $DATE, the first run $J1"
verdict "9 reprint after deleting the journal rows and the run folder: every PDF's SHA-256 and manifest.csv identical ($(wc -l < "$TMP/pdfs.reprint") PDFs)"

# 10. secrets
$PY extract || notok "0 text extraction from the reprinted PDFs"
mkdir -p "$TMP/scan/logs"
pycheck c10 "$TMP/scan/material" "$TMP/pristine.sql"
cp "$LOGS"/*.err "$TMP/scan/logs/"
sqlite3 "$W/ledger.db" .dump > "$TMP/scan/ledger.dump.sql"
if [ -s "$TMP/scan/pins-to-grep.txt" ]; then
	grep -rnwF -f "$TMP/scan/pins-to-grep.txt" "$TMP/scan/material" "$TMP/scan/logs" "$TMP/scan/ledger.dump.sql" |
		sed "s|^$TMP/scan/||" | cut -c 1-200 > "$TMP/pin-hits"
	[ -s "$TMP/pin-hits" ] && sed 's/^/PIN found: /' "$TMP/pin-hits" >> "$PROBS"
else
	problem "no PIN to look for"
fi
NPINS=0
[ -f "$TMP/scan/pins-to-grep.txt" ] && NPINS=$(wc -l < "$TMP/scan/pins-to-grep.txt")
verdict "10 no PIN (grep -w) in the output folder outside the PIN letters, in the logs ($(ls "$LOGS"/*.err | wc -l) runs) or in the ledger dump ($NPINS PINs)"
pycheck pins-table "$TMP/scan/pins-all.txt"
pycheck ssn

# 11. bad set-ups stop before any output, exit 78 (77 for the key), naming file and key
# bad_setup NAME EXPECTED_EXIT CONFIG WORD...: the run must exit EXPECTED_EXIT, its
# message must hold every WORD, no <output>/<date> folder, the ledger unchanged.
bad_setup() {
	name=$1
	want=$2
	cfg=$3
	shift 3
	d=$(dirname "$cfg")
	before=$(file_sha "$d/ledger.db")
	ngrun "$name" "$cfg"
	[ "$RC" = "$want" ] || problem "exit status $RC, expected $want"
	for w in "$@"; do
		grep -qF -- "$w" "$LOGS/$name.err" || problem "the message does not name '$w'"
	done
	[ -e "$d/out/$DATE" ] && problem "$d/out/$DATE was created"
	[ "$(file_sha "$d/ledger.db")" = "$before" ] || problem "the ledger was modified"
	[ -s "$PROBS" ] && sed 's/^/stderr: /' "$LOGS/$name.err" | head -n 3 >> "$PROBS"
}
# a fresh corner: a copy of the untouched ledger, the key, a config
corner() {
	mkdir -p "$TMP/$1"
	cp "$TMP/pristine.db" "$TMP/$1/ledger.db"
	cp -p "$W/pin.key" "$TMP/$1/pin.key"
	write_config "$TMP/$1/$1.ini" "$TMP/$1"
	echo "$TMP/$1/$1.ini"
}

C=$(corner nocycle)
grep -q '^[[:blank:]]*cycle_day[[:blank:]]*=' "$C" || problem "test set-up: no cycle_day line in the config to remove"
sed '/^[[:blank:]]*cycle_day[[:blank:]]*=/d' "$C" > "$C.new" && mv "$C.new" "$C"
bad_setup nocycle 78 "$C" "$(basename "$C")" cycle_day
verdict "11 config without [schedule] cycle_day: exit 78, message names the file and the key, no output"

C=$(corner lookback0)
set_key "$C" schedule pin_lookback_days 0 || problem "test set-up: no pin_lookback_days in the config"
bad_setup lookback0 78 "$C" "$(basename "$C")" pin_lookback_days "from 1"
verdict "11 config with pin_lookback_days = 0 (a reissue queued during the day would never go out): exit 78, names the file and the key, no output"

C=$(corner nofont)
F=$TMP/nofont/fonts-missing.ini
cp "$ROOT/fonts/fonts.ini" "$F"
set_key "$F" ocr regular /nonexistent/fonts/OCRA-missing.ttf || problem "test set-up: no [ocr] regular in fonts.ini"
set_key "$C" paths fonts "$F" || problem "test set-up: cannot point the config at $F"
bad_setup nofont 78 "$C" "$(basename "$F")" regular
verdict "11 fonts file naming a missing font ([ocr] regular): exit 78, message names the file and the key, no output"

C=$(corner badbox)
cp -r "$ROOT/layouts" "$TMP/badbox/layouts"
set_key "$TMP/badbox/layouts/coupon.ini" amount x 600 || problem "test set-up: no [amount] x in layouts/coupon.ini"
set_key "$C" paths layouts "$TMP/badbox/layouts" || problem "test set-up: cannot point the config at the layouts copy"
bad_setup badbox 78 "$C" coupon.ini amount
verdict "11 layout box outside the page (coupon.ini [amount] x = 600): exit 78, message names the file and the box, no output"

C=$(corner openkey)
chmod 644 "$TMP/openkey/pin.key"
bad_setup openkey 77 "$C" "$TMP/openkey/pin.key"
verdict "11 key file with mode 644: exit 77, message names the key file, no output"

# 12. the lock
C=$(corner locked)
L=$TMP/locked/ledger.db
before=$(file_sha "$L")
timeout "$LIMIT" flock -w 10 "$L.lock" sh -c 'touch "$1.held"; shift; exec "$@"' sh "$L" \
	"$NG" run --config "$C" --date "$DATE" > "$LOGS/locked.out" 2> "$LOGS/locked.err"
RC=$?
[ -e "$L.held" ] || problem "test set-up: flock did not run noticegen while holding $L.lock"
[ "$RC" = 75 ] || { problem "exit status $RC, expected 75"; sed 's/^/stderr: /' "$LOGS/locked.err" | head -n 3 >> "$PROBS"; }
[ -e "$TMP/locked/out/$DATE" ] && problem "$TMP/locked/out/$DATE was created"
[ "$(file_sha "$L")" = "$before" ] || problem "the ledger was modified"
verdict "12 a run started while another holds $(basename "$L").lock exits 75 and writes nothing"

# 13. resuming a date: a journaled document gone from disk is made again, the bytes the
# journal records; if the ledger changed since, nothing is written over it and the run
# stops, naming the file and --rerun.
C=$(corner resume)
RR=$TMP/resume/out/$DATE
DBR=$TMP/resume/ledger.db
ngrun resume1 "$C"
[ "$RC" = 1 ] || problem "the first run exited $RC"
# (paths hold no spaces: cases/<County>-<CaseId>/...)
set -- $(sqlite3 -separator ' ' "$DBR" "SELECT path, party_id FROM journal
	WHERE run_date = '$DATE' AND doc_type = 'statement' ORDER BY ord LIMIT 1")
pa=$1 party_a=$2
set -- $(sqlite3 -separator ' ' "$DBR" "SELECT path, sha256 FROM journal
	WHERE run_date = '$DATE' AND doc_type = 'statement' ORDER BY ord DESC LIMIT 1")
pb=$1 sha_b=$2
rm -f "$RR/$pb"
ngrun resume2 "$C"
[ "$RC" = 1 ] || problem "resumed with $pb gone: exit $RC, expected 1"
[ -f "$RR/$pb" ] && [ "$(file_sha "$RR/$pb")" = "$sha_b" ] || problem "$pb was not made again with the journal's SHA-256"
rm -f "$RR/$pa"
sqlite3 "$DBR" "UPDATE parties SET name = name || ' Jr' WHERE party_id = $party_a"
jbefore=$(sqlite3 "$DBR" "SELECT count(*), group_concat(sha256) FROM journal")
ngrun resume3 "$C"
[ "$RC" = 65 ] || problem "resumed with $pa gone and its party renamed: exit $RC, expected 65"
[ -e "$RR/$pa" ] && problem "$pa was written again though the ledger changed"
grep -qF -- "$pa" "$LOGS/resume3.err" && grep -qF -- "--rerun" "$LOGS/resume3.err" ||
	problem "the message does not name $pa and --rerun: $(grep -v ': warning: ' "$LOGS/resume3.err" | tail -n 1)"
[ "$(sqlite3 "$DBR" "SELECT count(*), group_concat(sha256) FROM journal")" = "$jbefore" ] || problem "the journal changed"
verdict "13 resume: a missing document is made again with the journal's SHA-256 ($(basename "$pb")); after a ledger change it is not, and the run stops with exit 65 naming the file and --rerun"

finish
