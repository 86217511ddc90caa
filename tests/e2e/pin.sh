#!/bin/sh
# tests/e2e/pin.sh - the PIN lifecycle (issue 4's acceptance) with the real
# binary on a generated ledger: PINs read back from the PIN letters with
# pdftotext, verify, reissue (same PIN, --now and queued), --new-pin,
# history, refusals that change no PIN, a sealed PIN copied to another
# party, rekey killed at random points, and a grep for any clear PIN left
# anywhere but in PIN letters.
#
#   sh tests/e2e/pin.sh            from the repository root (or anywhere)
#   NOTICEGEN_BUILD=build-asan     the folder holding noticegen and genledger
#   KEEP=1                         keep the temporary folder (its path is printed)
#
# Prints "ok - ..." / "not ok - ..." lines and "N passed, M failed"; exits
# non-zero if anything failed. Never prints a PIN. About 3 s.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${NOTICEGEN_BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
ng=$build/noticegen
gen=$build/genledger
[ -x "$gen" ] || gen=$root/build/genledger
for tool in pdftotext sqlite3 unzip; do
	command -v $tool >/dev/null || { echo "not ok - $tool is not installed"; echo "0 passed, 1 failed"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/noticegen-e2e-pin.XXXXXX") || { echo "cannot make a temp dir"; exit 1; }
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mkdir "$tmp/logs"
db=$tmp/ledger.db
cfg=$tmp/noticegen.ini
night=2026-11-03
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
# COND; verdict WHAT: ok or not ok by the status of the condition just run; a
# failure also shows the last command's error line (which never holds a PIN).
verdict() {
	if [ $? -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1"
		[ -s "${errf:-/dev/null}" ] && echo "#   $(tail -n 1 "$errf")"
	fi
	return 0
}

# run ARGS...: noticegen with stdin from $stdin (default: none). Leaves the
# exit status in $rc, stdout in $out, stderr in $errf; every capture stays
# in logs/ for the final grep.
calls=0
stdin=/dev/null
run() {
	calls=$((calls + 1))
	out=$tmp/logs/$calls.out
	errf=$tmp/logs/$calls.err
	"$ng" "$@" <"$stdin" >"$out" 2>"$errf"
	rc=$?
	stdin=/dev/null
}
# verify CONFIG CASE COUNTY ROLE PIN: `pin verify`, the PIN through a file (never argv, never echoed).
verify() {
	printf '%s\n' "$5" >"$tmp/pin.in"
	stdin=$tmp/pin.in
	run pin verify --config "$1" --case "$2" --county "$3" --party "$4"
	rm -f "$tmp/pin.in"
}
said() { grep -q -- "$1" "$errf" "$out"; }
q() { sqlite3 -cmd ".timeout 5000" "$db" "$1"; }
pins_now() { q "select party_id, key_id, hex(nonce), hex(sealed), issued_on from pins order by party_id"; }
# The PIN a letter prints: the 5-digit word after its label.
pin_of() { pdftotext "$1" - 2>/dev/null | sed -n '/Your 5-digit account PIN:/,$p' | grep -Eow '[0-9]{5}' | head -n 1; }
# Another 5-digit number than $1.
other_pin() { printf '%05d\n' $(( (1${1} - 100000 + 1) % 100000 )); }

# --- a ledger, a key, one night ----------------------------------------------
"$gen" --out "$db" --cases 20 --seed 3 --as-of "$night" >"$tmp/logs/gen.out" 2>&1 ||
	{ echo "not ok - genledger failed"; cat "$tmp/logs/gen.out"; echo "0 passed, 1 failed"; exit 1; }
sqlite3 "$db" .dump >"$tmp/before.dump"
sed -e "s#^ledger .*#ledger = $db#" -e "s#^output .*#output = $tmp/out#" \
    -e "s#^layouts .*#layouts = $root/layouts#" -e "s#^fonts .*#fonts = $root/fonts/fonts.ini#" \
    -e "s#^lang .*#lang = $root/config/lang#" -e "s#^pin_key .*#pin_key = $tmp/pin.key#" \
    "$root/config/noticegen.ini" >"$cfg"
sed -e "s#^pin_key .*#pin_key = $tmp/new.key#" "$cfg" >"$tmp/new.ini"
run keygen "$tmp/pin.key"
[ "$rc" -eq 0 ]
verdict "keygen makes the key"
run run --config "$cfg" --date "$night"
[ "$rc" -le 1 ]
verdict "the night runs (exit $rc)"

# Parties A (reissues) and B (gets a copy of C's ciphertext): PIN letters of open cases whose id is unique.
letters=$(q "select c.case_id || '|' || c.county || '|' || p.role || '|' || j.path from journal j
	join cases c on c.case_key = j.case_key join parties p on p.party_id = j.party_id
	where j.doc_type = 'pinletter' and c.status = 'open'
	and (select count(*) from cases d where d.case_id = c.case_id) = 1 order by j.ord")
pick() { echo "$letters" | sed -n "${1}p" | cut -d'|' -f"$2"; }
a_case=$(pick 1 1) a_county=$(pick 1 2) a_role=$(pick 1 3)
b_case=$(pick 2 1) b_county=$(pick 2 2) b_role=$(pick 2 3)
a_pin=$(pin_of "$tmp/out/$night/$(pick 1 4)")
b_pin=$(pin_of "$tmp/out/$night/$(pick 2 4)")
[ -n "$a_pin" ] && [ -n "$b_pin" ]
verdict "the night wrote PIN letters whose PIN reads back"
if [ -z "$a_pin" ] || [ -z "$b_pin" ]; then
	echo "# bail out: the rest needs two PIN letters from the night"
	echo "$passed passed, $failed failed"
	exit 1
fi
a_id=$(q "select p.party_id from parties p join cases c using (case_key) where c.case_id = '$a_case' and c.county = '$a_county' and p.role = '$a_role'")
b_id=$(q "select p.party_id from parties p join cases c using (case_key) where c.case_id = '$b_case' and c.county = '$b_county' and p.role = '$b_role'")
c_id=$(q "select party_id from pins where party_id <> $b_id order by party_id desc limit 1")

# --- verify ------------------------------------------------------------------
verify "$cfg" "$a_case" "$a_county" "$a_role" "$a_pin"
[ "$rc" -eq 0 ]
verdict "pin verify accepts the letter's PIN"
verify "$cfg" "$a_case" "$a_county" "$a_role" "$(other_pin "$a_pin")"
[ "$rc" -eq 1 ] && said "PIN does not match"
verdict "pin verify rejects another number: exit 1, 'PIN does not match'"
verify "$cfg" "$a_case" "$a_county" "$a_role" "12a45"
[ "$rc" -eq 64 ]
verdict "pin verify refuses input that is not 5 digits (exit 64)"

# --- reissue --now: the same PIN ------------------------------------------------
run pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff clerk-17 --reason "letter lost in the mail" --now
letter=$(sed -n 's/^PIN letter written to //p' "$out")
[ "$rc" -eq 0 ] && [ -f "$letter" ]
verdict "reissue --now says where the letter is"
[ "$(stat -c %a "$letter" 2>/dev/null)" = 600 ]
verdict "the reissued letter is owner-only"
[ "$(pin_of "$letter")" = "$a_pin" ]
verdict "the reissued letter prints the same PIN"
[ "$(q "select count(*) from pin_audit where party_id = $a_id and event = 'reissue_now'")" -eq 1 ]
verdict "reissue --now is audited as reissue_now, so the nightly does not send it again"

# --- reissue queued: the next night sends it ------------------------------------
run pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff clerk-18 --reason "second copy for the caseworker"
audit=$(sed -n 's/.*(audit \([0-9]*\)).*/\1/p' "$out")
[ "$rc" -eq 0 ] && [ -n "$audit" ]
verdict "a reissue without --now is recorded for the nightly batch"
today=$(date -u +%Y-%m-%d)
run run --config "$cfg" --date "$today"
queued=$(q "select path from journal where doc_type = 'pinletter' and period = 'pin-$audit'")
[ -n "$queued" ] && [ "$(pin_of "$tmp/out/$today/$queued")" = "$a_pin" ]
verdict "the next night mails the queued letter with the same PIN"

# --- --new-pin ---------------------------------------------------------------------
# First one whose letter cannot be written (a file where its folder goes):
# the replacement is undone, so the parent keeps a PIN that was mailed.
mv "$tmp/out/reissues/$today" "$tmp/reissues.aside"
: >"$tmp/out/reissues/$today"
pins_now >"$tmp/pins.before"
run pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff supervisor-2 --reason "printer test" --new-pin --now
pins_now >"$tmp/pins.after"
[ "$rc" -ne 0 ] && said "the letter could not be written" && cmp -s "$tmp/pins.before" "$tmp/pins.after"
verdict "--new-pin --now whose letter cannot be written fails (exit $rc) and changes no PIN"
verify "$cfg" "$a_case" "$a_county" "$a_role" "$a_pin"
[ "$rc" -eq 0 ]
verdict "after it the first PIN still verifies"
[ "$(q "select count(*) from pin_audit where party_id = $a_id and event = 'refuse' and reason like '%could not be written%'")" -eq 1 ]
verdict "and the failure is audited"
rm "$tmp/out/reissues/$today"
mv "$tmp/reissues.aside" "$tmp/out/reissues/$today"
run pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff supervisor-2 --reason "caller says the PIN was seen by an ex-partner" --new-pin --now
letter=$(sed -n 's/^PIN letter written to //p' "$out")
a_new=$(pin_of "$letter")
[ "$rc" -eq 0 ] && [ -n "$a_new" ]
verdict "reissue --new-pin --now writes a letter with a PIN"
verify "$cfg" "$a_case" "$a_county" "$a_role" "$a_new"
[ "$rc" -eq 0 ]
verdict "the new PIN verifies"
if [ "$a_new" != "$a_pin" ]; then
	verify "$cfg" "$a_case" "$a_county" "$a_role" "$a_pin"
	[ "$rc" -eq 1 ]
	verdict "the old PIN no longer verifies"
else
	ok "the old PIN no longer verifies # skip: the new PIN drew the same digits (1 in 100000)"
fi

# --- refusals: clear message, non-zero exit, no PIN changed -------------------------
refused() { # WHAT EXIT MESSAGE ARGS...
	what=$1 want=$2 msg=$3
	shift 3
	pins_now >"$tmp/pins.before"
	run "$@"
	pins_now >"$tmp/pins.after"
	[ "$rc" -eq "$want" ] && said "$msg" &&
		cmp -s "$tmp/pins.before" "$tmp/pins.after"
	verdict "refused: $what (exit $rc, want $want)"
}
refuses_before=$(q "select count(*) from pin_audit where event = 'refuse'")
refused "unknown case" 67 "no case 'ZZ99999Z9'" \
	pin reissue --config "$cfg" --case ZZ99999Z9 --party CP --staff clerk-17 --reason lost
refused "missing reason" 64 "needs --staff ID and --reason" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" --staff clerk-17
refused "missing staff" 64 "needs --staff ID and --reason" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" --reason lost
refused "over the reissue limit" 69 "which is the limit" \
	pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff clerk-17 --reason "lost again" --now
refused "over the limit, even with --new-pin" 69 "which is the limit" \
	pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff clerk-17 --reason "lost again" --new-pin
closed=$(q "select case_id || '|' || county from cases where status = 'closed' order by case_key limit 1")
refused "closed case" 69 "is closed" \
	pin reissue --config "$cfg" --case "${closed%|*}" --county "${closed#*|}" --party CP \
	--staff clerk-17 --reason lost
dup=$(q "select case_id from cases group by case_id having count(*) > 1 limit 1")
if [ -n "$dup" ]; then
	refused "a case id used in two counties, without --county" 64 "say which with --county" \
		pin reissue --config "$cfg" --case "$dup" --party CP --staff clerk-17 --reason lost
fi
refused "a reason holding the PIN" 64 "contains the party's PIN" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" \
	--staff clerk-17 --reason "caller read out $b_pin"
refused "a staff id holding the PIN" 64 "contains the party's PIN" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" \
	--staff "clerk $b_pin" --reason "lost"
# Refused before the PIN is checked: a staff id that may be the PIN stays out of the audit.
refused "missing reason, the PIN as staff id" 64 "needs --staff ID and --reason" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" --staff "$b_pin"
refused "over the limit, the PIN as staff id" 69 "which is the limit" \
	pin reissue --config "$cfg" --case "$a_case" --county "$a_county" --party "$a_role" \
	--staff "$a_new" --reason "lost again"
[ "$(q "select count(*) from pin_audit where staff in ('$b_pin', '$a_new')")" -eq 0 ]
verdict "refusals made before the PIN check do not audit a staff id holding the PIN"
chmod 644 "$tmp/pin.key"
refused "key file mode 644" 77 "chmod 600" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" \
	--staff clerk-17 --reason lost
verify "$cfg" "$b_case" "$b_county" "$b_role" "$b_pin"
[ "$rc" -eq 77 ] && said "chmod 600"
verdict "pin verify refuses a key file of mode 644 too (exit 77)"
chmod 600 "$tmp/pin.key"
[ "$(q "select count(*) from pin_audit where event = 'refuse'")" -ge $((refuses_before + 6)) ]
verdict "refusals on existing cases are audited as 'refuse'"

# --- history ---------------------------------------------------------------------
run pin history --config "$cfg" --case "$a_case" --county "$a_county"
[ "$rc" -eq 0 ] && grep -q " issue .*noticegen .*new order recorded" "$out"
verdict "history shows the issue"
grep -q "reissue_now .*clerk-17 .*letter lost in the mail" "$out"
verdict "history shows the reissue --now with staff and reason"
grep -q " reissue .*clerk-18 .*second copy for the caseworker" "$out"
verdict "history shows the queued reissue with staff and reason"
grep -q "replace_now .*supervisor-2 .*caller says the PIN was seen" "$out"
verdict "history shows the replacement with staff and reason"
grep -q "refuse .*clerk-17 .*reissue refused: .*limit" "$out"
verdict "history shows the refusals with staff and reason"

# --- a sealed PIN copied onto another party's row -----------------------------------
saved=$(q "select hex(nonce) || '|' || hex(sealed) || '|' || key_id from pins where party_id = $b_id")
q "update pins set (key_id, nonce, sealed) = (select key_id, nonce, sealed from pins where party_id = $c_id) where party_id = $b_id"
verify "$cfg" "$b_case" "$b_county" "$b_role" "$b_pin"
[ "$rc" -eq 77 ] && said "does not open"
verdict "verify of a copied ciphertext fails clearly (exit 77)"
refused "reissue of a copied ciphertext" 77 "does not open" \
	pin reissue --config "$cfg" --case "$b_case" --county "$b_county" --party "$b_role" \
	--staff clerk-17 --reason lost --now
q "update pins set nonce = X'$(echo "$saved" | cut -d'|' -f1)', sealed = X'$(echo "$saved" | cut -d'|' -f2)' where party_id = $b_id"
verify "$cfg" "$b_case" "$b_county" "$b_role" "$b_pin"
[ "$rc" -eq 0 ]
verdict "the restored row verifies again"

# --- rekey, killed at random points, then rerun -------------------------------------
run keygen "$tmp/new.key"
old_id=$(q "select key_id from pins limit 1")
npins=$(q "select count(*) from pins")
# Each try starts from the ledger as it was before any rekey, so the kills
# land all over the run (start-up, the re-sealing, the commit) rather than
# on reruns that have nothing left to do.
cp "$db" "$tmp/pre-rekey.db"
all_old=0 all_new=0 mixed=0 kills=0
for i in $(seq 1 20); do
	rm -f "$db-journal"
	cp "$tmp/pre-rekey.db" "$db"
	us=$(( $(od -An -N2 -tu2 /dev/urandom) % 10000 ))
	# wait reaps it: a dead process holds no SQLite lock. (timeout -s KILL also
	# kills itself and returns before its child is gone.) The subshell keeps
	# the shell's "Killed" notice out of the output.
	status=$( (
		"$ng" pin rekey --config "$cfg" --new-key "$tmp/new.key" --staff admin-1 \
			>>"$tmp/logs/rekey-killed.out" 2>&1 &
		sleep "$(printf '0.%06d' $us)"
		kill -KILL $! 2>/dev/null
		wait $!
		echo $?
	) 2>/dev/null)
	[ "$status" -eq 137 ] && kills=$((kills + 1))
	# Opening the ledger rolls back whatever a killed rekey left half-done.
	case $(q "select sum(key_id = '$old_id') || '/' || count(*) from pins") in
	"$npins/$npins") all_old=$((all_old + 1)) ;;
	"0/$npins") all_new=$((all_new + 1)) ;;
	*) mixed=$((mixed + 1)) ;;
	esac
done
[ "$mixed" -eq 0 ] && [ "$kills" -gt 0 ]
verdict "rekey killed $kills times in 20 at random points: each time every PIN under one key ($all_old all old, $all_new all new, $mixed mixed)"
# The last try may have been killed: the rerun must finish the job.
run pin rekey --config "$cfg" --new-key "$tmp/new.key" --staff admin-1
[ "$rc" -eq 0 ] && said "pin_key = $tmp/new.key"
verdict "rekey rerun without kill succeeds and says what to do next"
[ "$(q "select count(*) from pins where key_id <> '$old_id'")" -eq "$npins" ] && [ "$npins" -ge 2 ]
verdict "every PIN row is under the new key"
run pin rekey --config "$tmp/new.ini" --new-key "$tmp/new.key"
[ "$rc" -eq 0 ] &&
	said "all $npins PINs are already under key"
verdict "a rekey under the new key finds every PIN already there and opening"
# Each party's PIN is the one on its first letter, but for A, whose PIN was replaced.
bad=0 checked=0
q "select c.case_id || '|' || c.county || '|' || p.role || '|' || p.party_id || '|' ||
	coalesce((select path from journal j where j.party_id = p.party_id and j.doc_type = 'pinletter'
	          and j.run_date = '$night' order by ord limit 1), '')
	from pins k join parties p using (party_id) join cases c on c.case_key = p.case_key
	order by p.party_id" >"$tmp/parties.txt"
while IFS='|' read -r case_id county role party path; do
	if [ "$party" -eq "$a_id" ]; then
		pin=$a_new
	elif [ -n "$path" ]; then
		pin=$(pin_of "$tmp/out/$night/$path")
	else
		continue        # no letter (an address the window cannot take): its PIN is unknown here
	fi
	verify "$tmp/new.ini" "$case_id" "$county" "$role" "$pin"
	checked=$((checked + 1))
	[ "$rc" -eq 0 ] || bad=$((bad + 1))
done <"$tmp/parties.txt"
[ "$bad" -eq 0 ] && [ "$checked" -ge 2 ]
verdict "every party's PIN ($checked read from letters) verifies under the new key"
verify "$cfg" "$a_case" "$a_county" "$a_role" "$a_new"
[ "$rc" -eq 77 ] && said "sealed under key"
verdict "the old key's config now refuses, naming the key (exit 77)"
# A night on the old key's config would seal its new PINs under the old key: it refuses
# before any output, saying which key the PINs are under and what to set.
late=$(date -u -d "$today + 20 days" +%Y-%m-%d)
new_id=$(q "select min(key_id) from pins")
run run --config "$cfg" --date "$late"
[ "$rc" -eq 77 ] && said "sealed under key $new_id" && said "pin_key" && [ ! -e "$tmp/out/$late" ] &&
	[ "$(q "select count(*) from pins where key_id <> '$new_id'")" -eq 0 ]
verdict "a night on the old key's config after a rekey stops before any output (exit 77), naming the PINs' key and pin_key"

# --- a letter's bytes depend on the key, not on the PIN and the ledger alone ---------
# The journal, manifest and SHA256SUMS publish each letter's SHA-256. Were a
# letter a function of the ledger and the PIN alone, whoever holds a copy of
# the ledger could render it for all 100,000 PINs under a key of their own
# and find the one whose hash is published. The same night made again under
# the new key (the same PINs): every other document is the same file, every
# letter a different one.
cp -r "$tmp/out/$night" "$tmp/night1"
run run --config "$tmp/new.ini" --date "$night" --rerun
[ "$rc" -le 1 ]
verdict "the first night made again under the new key (exit $rc)"
same=0 differ=0 bad=0
for f in $(cd "$tmp/night1" && find cases -name '*.pdf' | sort); do
	[ -f "$tmp/out/$night/$f" ] || continue
	case $f in
	*/pinletter-*)
		# (A's PIN was replaced since; the others' PINs are the ones of the first night.)
		pid=$(q "select party_id from journal where run_date = '$night' and path = '$f'")
		if cmp -s "$tmp/night1/$f" "$tmp/out/$night/$f"; then
			bad=$((bad + 1))
		elif [ "$pid" != "$a_id" ]; then
			differ=$((differ + 1))
		fi ;;
	*) cmp -s "$tmp/night1/$f" "$tmp/out/$night/$f" && same=$((same + 1)) || bad=$((bad + 1)) ;;
	esac
done
[ "$bad" -eq 0 ] && [ "$differ" -ge 1 ] && [ "$same" -ge 10 ]
verdict "made again under another key: $same other documents the same files, $differ letters with an unchanged PIN different ($bad the same)"

# --- policy "new": a plain reissue replaces the PIN -----------------------------------
sed -e 's/^reissue  *=.*/reissue = new/' "$tmp/new.ini" >"$tmp/policy-new.ini"
run pin reissue --config "$tmp/policy-new.ini" --case "$b_case" --county "$b_county" --party "$b_role" \
	--staff clerk-19 --reason "policy is new"
[ "$rc" -eq 0 ] &&
	[ "$(q "select event from pin_audit where party_id = $b_id order by audit_id desc limit 1")" = replace ]
verdict "with [pin] reissue = new, a reissue is a replacement"
verify "$tmp/new.ini" "$b_case" "$b_county" "$b_role" "$b_pin"
# (Fails once in 100000 runs: when the new draw repeats the old digits.)
[ "$rc" -eq 1 ]
verdict "and the old PIN no longer verifies"

# --- more letters due on one case than a night has places for ---------------------
# A night orders a case's pieces in 16 places, 12 of them for PIN letters:
# the 13th and later go out the next night, and tonight's exceptions say so.
sed -e 's/^reissue_limit  *=.*/reissue_limit = 100/' "$tmp/new.ini" >"$tmp/many.ini"
grep -q '^reissue_limit = 100' "$tmp/many.ini"
verdict "a config allowing 100 reissues (the most it may)"
b_key=$(q "select case_key from parties where party_id = $b_id")
for i in $(seq 1 13); do
	run pin reissue --config "$tmp/many.ini" --case "$b_case" --county "$b_county" --party "$b_role" \
		--staff clerk-20 --reason "copy $i for the file"
	[ "$rc" -eq 0 ] || break
done
[ "$rc" -eq 0 ]
verdict "13 reissues queued on one party (exit $rc)"
due=$(q "select count(*) from pin_audit a where case_key = $b_key and event in ('issue', 'reissue', 'replace')
	and not exists (select 1 from journal j where j.doc_type = 'pinletter' and j.party_id = a.party_id
	and j.period = 'pin-' || a.audit_id)")
day1=$(date -u -d "$today + 1 day" +%Y-%m-%d)
day2=$(date -u -d "$today + 2 days" +%Y-%m-%d)
run run --config "$tmp/many.ini" --date "$day1"
sent1=$(q "select count(*) from journal where doc_type = 'pinletter' and case_key = $b_key and run_date = '$day1'")
said1=$(q "select count(*) from exceptions where run_date = '$day1' and case_key = $b_key and doc_type = 'pinletter'
	and reason = '$due PIN letters are due on this case, 12 go out a night; the other $((due - 12)) go out on the next night'")
[ "$rc" -eq 1 ] && [ "$due" -gt 12 ] && [ "$sent1" -eq 12 ] && [ "$said1" -eq 1 ]
verdict "$due letters due on one case: the night makes 12 and reports the rest as an exception (exit $rc, made $sent1)"
run run --config "$tmp/many.ini" --date "$day2"
sent2=$(q "select count(*) from journal where doc_type = 'pinletter' and case_key = $b_key and run_date = '$day2'")
said2=$(q "select count(*) from exceptions where run_date = '$day2' and case_key = $b_key")
[ "$rc" -le 1 ] && [ "$sent2" -eq $((due - 12)) ] && [ "$said2" -eq 0 ]
verdict "the next night makes the other $((due - 12)), and letters sent before are not counted again (made $sent2)"

# --- no clear PIN anywhere but in PIN letters ---------------------------------------
# Every PIN printed on any letter. A PIN that is also a 5-digit word of the
# sample data (a ZIP code, an amount in cents) or a file size cannot be told
# from it, so it is left out of the search; the others make the test.
find "$tmp/out" -name '*.pdf' \( -name 'pinletter-*' -o -path '*/reissues/*' \) |
	while read -r f; do pin_of "$f"; done | sort -u >"$tmp/pins.txt"
{ grep -Eow '[0-9]{5}' "$tmp/before.dump"; q "select bytes from journal"; } | sort -u >"$tmp/common.txt"
comm -23 "$tmp/pins.txt" "$tmp/common.txt" >"$tmp/search.txt"
sqlite3 "$db" .dump >"$tmp/after.dump"
mkdir "$tmp/text"
# (PIN letters' print batch is the letters again: owner-only, checked in print.sh)
find "$tmp/out" -type f ! -name 'pinletter-*' ! -name 'B*-pinletter-*-secure.pdf' ! -path '*/reissues/*' | while read -r f; do
	t=$tmp/text/$(echo "$f" | tr / _)
	case $f in
	*.pdf) pdftotext "$f" "$t" 2>/dev/null ;;
	*.xlsx) unzip -p "$f" >"$t" ;;
	*) cp "$f" "$t" ;;
	esac
done
leaks=$(grep -rlw -F -f "$tmp/search.txt" "$tmp/logs" "$tmp/text" "$tmp/after.dump" | sed "s#$tmp/##")
[ -z "$leaks" ] && [ "$(wc -l <"$tmp/search.txt")" -ge 2 ]
verdict "no PIN ($(wc -l <"$tmp/search.txt") searched, $(wc -l <"$tmp/pins.txt") known) in any output, log, run folder file or the ledger dump${leaks:+: found in $leaks}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
