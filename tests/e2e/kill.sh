#!/bin/bash
# tests/e2e/kill.sh - SIGKILL at random moments, then resume (issue 5's acceptance).
#
# A reference night runs uninterrupted on a copy of a generated ledger. A
# second copy (the reference's PINs kept, its journal, exceptions and runs
# emptied) is run again and again, each time killed with SIGKILL after a
# random 0.05-0.55 s (bash's RANDOM, seeded), until 20 kills landed mid-run;
# when three kills in a row made no progress the next waits for a journal
# commit first, so that kills also land in runs resuming committed work, on
# fast and slow machines alike. After each kill the journal must claim only files that
# are on disk with its SHA-256. Then a last run finishes, and the night
# must equal the reference: manifest.csv, exceptions.csv and manifest.xlsx
# byte for byte, every PDF's SHA-256, the same files, the journal and
# exceptions tables row for row; no *.tmp left, every PDF passes qpdf.
#
#   bash tests/e2e/kill.sh         from anywhere (sh also works: it re-runs itself with bash)
#   NOTICEGEN_BUILD=build-asan     the folder holding noticegen and genledger
#   KEEP=1                         keep the temporary folder (its path is printed)
#   CASES=3000 SEED=5              the ledger (a night longer than 20 kills of 0.05-0.55 s)
#   KILLS=20 LATE=5 KILL_SEED=42   kills that must land, at most LATE after a commit, RANDOM's seed
#   JOBS=N                         run the killed nights with --jobs N (each run is its own
#                                  process group and the whole group is killed, as a power
#                                  cut would; the reference runs with one job)
#   QPDF_SAMPLE=N                  qpdf --check only N PDFs spread over the night (default:
#                                  every PDF; all are byte-identical to the reference's anyway)
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M failed";
# exits 1 if anything failed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DATE=2026-11-03
CASES=${CASES:-3000}
SEED=${SEED:-5}
KILLS=${KILLS:-20}
LATE=${LATE:-5}
KILL_SEED=${KILL_SEED:-42}
LIMIT=600                 # seconds any one uninterrupted noticegen run may take
TMP=$(mktemp -d "${TMPDIR:-/tmp}/noticegen-kill.XXXXXX") || { echo "cannot make a temp dir"; exit 1; }
REFPID=
cleanup() {
	[ -n "$REFPID" ] && kill "$REFPID" 2> /dev/null && wait "$REFPID" 2> /dev/null
	[ -n "${PID:-}" ] && killall9 "$PID" && wait "$PID" 2> /dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
LOGS=$TMP/logs
PROBS=$TMP/problems
mkdir -p "$LOGS"


q() { sqlite3 -cmd '.timeout 20000' "$@"; }
# journal_rows DB: every journal row, every column but a time-based one, in key order;
# the column list is read from the table, so a renamed or added column is compared too.
journal_rows() {
	cols=$(q "$1" "SELECT group_concat(name, ', ') FROM pragma_table_info('journal')
		WHERE name NOT LIKE '%\_at' ESCAPE '\' AND name NOT LIKE '%time%' AND name NOT LIKE '%when%'") || return 1
	[ -n "$cols" ] || return 1
	echo "# $cols"
	q "$1" "SELECT $cols FROM journal ORDER BY run_date, doc_type, party_id, period"
}
# claims DB RUNDIR: problems for every journal row of the date whose file is missing or
# has another SHA-256 than the journal says (the journal must never claim a file not on disk).
claims() {
	q "$1" "SELECT sha256 || '  ' || path FROM journal WHERE run_date = '$DATE'" > "$TMP/claims" 2>&1 ||
		{ problem "$3: cannot read the journal: $(tail -n 1 "$TMP/claims")"; return 0; }
	[ -s "$TMP/claims" ] || return 0
	(cd "$2" && sha256sum -c --quiet "$TMP/claims") > "$TMP/claims.out" 2>&1 ||
		grep -v '^sha256sum: WARNING' "$TMP/claims.out" | head -n 5 | sed "s/^/$3: journal claims /" >> "$PROBS"
}

# Killed runs cannot remove their /tmp/noticegen-fonts-* folders; with unshare (root),
# each run gets a private /tmp inside $TMP, so they are counted here and removed with it.
# A test folder under /tmp stays reachable at its path through a bind mount.
PTMP=$TMP/private-tmp
mkdir -p "$PTMP"
PRIVATE=0
SEEN=
case $TMP in
/tmp/*) SEEN=$PTMP/${TMP#/tmp/}; mkdir -p "$SEEN" ;;
esac
case $ROOT/ in /tmp/*) ;; *)
	case $BUILD/ in /tmp/*) ;; *)
		unshare -m sh -c '[ -z "$2" ] || mount --bind "$3" "$2" || exit 1
			mount --rbind "$1" /tmp && [ -d "$3" ]' sh "$PTMP" "$SEEN" "$TMP" 2> /dev/null && PRIVATE=1 ;;
	esac ;;
esac
# ngexec ARGS...: noticegen ARGS in a process group of its own (setsid does not fork
# here: a background subshell is no group leader), with /tmp private when possible;
# every exec keeps the pid, so $! is noticegen's pid and its process group's id.
SETSID=
command -v setsid > /dev/null 2>&1 && SETSID=setsid
ngexec() {
	if [ "$PRIVATE" = 1 ]; then
		exec $SETSID unshare -m sh -c '{ [ -z "$2" ] || mount --bind "$3" "$2"; } && mount --rbind "$1" /tmp &&
			shift 3 && exec "$@"' sh "$PTMP" "$SEEN" "$TMP" "$NG" "$@"
	else
		exec $SETSID "$NG" "$@"
	fi
}
# killall9 PID: SIGKILL to PID's process group when PID leads one, else to PID.
killall9() {
	if [ -n "$SETSID" ] && [ "$(awk '{ print $5 }' "/proc/$1/stat" 2> /dev/null)" = "$1" ]; then
		kill -9 -- "-$1" 2> /dev/null
	else
		kill -9 "$1" 2> /dev/null
	fi
}
JOBOPT=
[ -n "${JOBS:-}" ] && JOBOPT="--jobs $JOBS"

need sqlite3 qpdf sha256sum timeout awk cmp

# --- the ledger, the reference night ------------------------------------------
REF=$TMP/ref
K=$TMP/kill
mkdir -p "$REF" "$K"
"$GEN" --out "$TMP/pristine.db" --cases "$CASES" --seed "$SEED" --as-of "$DATE" > "$LOGS/gen.log" 2>&1 ||
	{ sed 's/^/#   /' "$LOGS/gen.log"; bail "0 genledger makes the ledger"; }
cp "$TMP/pristine.db" "$REF/ledger.db"
"$NG" keygen "$REF/pin.key" > "$LOGS/keygen.log" 2>&1 || bail "0 noticegen keygen"
cp -p "$REF/pin.key" "$K/pin.key"
write_config "$REF/noticegen.ini" "$REF"
write_config "$K/noticegen.ini" "$K"

# The reference runs in the background; the killed runs start as soon as its PINs are
# committed (one transaction, before any document), from a copy taken then.
T0=$(date +%s)
(ngexec run --config "$REF/noticegen.ini" --date "$DATE") > "$LOGS/ref.out" 2> "$LOGS/ref.err" &
REFPID=$!
npins=0
while kill -0 "$REFPID" 2> /dev/null; do
	npins=$(q "$REF/ledger.db" "SELECT count(*) FROM pins" 2> /dev/null)
	[ "${npins:-0}" -gt 0 ] && break
	sleep 0.1
done
if ! kill -0 "$REFPID" 2> /dev/null; then
	wait "$REFPID"
	REFRC=$?
	REFPID=
fi
q "$REF/ledger.db" ".backup '$K/ledger.db'" || bail "0 copying the reference ledger once its PINs are issued"
q "$K/ledger.db" "DELETE FROM journal; DELETE FROM exceptions; DELETE FROM runs;" || bail "0 emptying journal, exceptions and runs of the copy"
echo "# reference started; $(q "$K/ledger.db" 'SELECT count(*) FROM pins') PINs copied after $(($(date +%s) - T0)) s"

# --- kill, kill, kill -----------------------------------------------------------
RANDOM=$KILL_SEED
RD=$K/out/$DATE
# Kills go on until KILLS of them landed while noticegen ran (at most 3*KILLS tries).
# A kill after 0.05-0.55 s may land before any batch is journaled: when three kills in a
# row made no progress, the next one (up to LATE of them) waits for the run to commit
# a batch and then lands 0.05-0.55 s later, so that later kills land in runs resuming
# committed work however fast or slow the machine, without finishing the night.
landed=0; early=0; resumed_killed=0; tmp_seen=0; hot=0; late=0; stall=0; i=0
rows_before=0
while [ "$landed" -lt "$KILLS" ] && [ "$i" -lt $((3 * KILLS)) ]; do
	i=$((i + 1))
	ms=$((50 + RANDOM % 501)); kind=short
	if [ "$stall" -ge 3 ] && [ "$late" -lt "$LATE" ]; then
		kind="after a commit +"; late=$((late + 1)); stall=0
	fi
	(ngexec run --config "$K/noticegen.ini" --date "$DATE" $JOBOPT) > "$LOGS/kill$i.out" 2> "$LOGS/kill$i.err" &
	PID=$!
	if [ "$kind" != short ]; then
		w=0
		while kill -0 "$PID" 2> /dev/null && [ "$w" -lt 600 ] &&
			[ "$(q "$K/ledger.db" "SELECT count(*) FROM journal WHERE run_date = '$DATE'" 2> /dev/null)" = "$rows_before" ]; do
			sleep 0.1
			w=$((w + 1))
		done
	fi
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	killall9 "$PID"
	wait "$PID" 2> /dev/null
	rc=$?
	PID=
	# a rollback journal left behind (the reading below rolls it back, as the next run would)
	[ -s "$K/ledger.db-journal" ] && hot=$((hot + 1))
	rows=$(q "$K/ledger.db" "SELECT count(*) FROM journal WHERE run_date = '$DATE'")
	ntmp=$(find "$K/out" -name '*.tmp' 2> /dev/null | wc -l)
	if [ "$rc" = 137 ]; then
		landed=$((landed + 1))
		[ "$rows_before" -gt 0 ] && resumed_killed=$((resumed_killed + 1))
		what="killed"
	else
		early=$((early + 1))
		what="had already exited $rc"
	fi
	[ "$ntmp" -gt 0 ] && tmp_seen=$((tmp_seen + 1))
	if [ "$rows" = "$rows_before" ]; then stall=$((stall + 1)); else stall=0; fi
	echo "# kill $i ($kind ${ms} ms): $what; journal $rows_before -> $rows rows; $ntmp *.tmp files"
	[ -d "$RD" ] && claims "$K/ledger.db" "$RD" "after kill $i"
	case $rc in 0|1|137) ;; *) problem "kill $i: exit status $rc: $(grep -v ': info: \|: warning: ' "$LOGS/kill$i.err" | head -n 1)" ;; esac
	rows_before=$rows
	case $rc in 0|1) echo "# the night completed before kill $i: no later kill can land"; break ;; esac
done
verdict "1 after each of $i SIGKILLs the journal claims only files on disk with its SHA-256"
echo "# $landed of $i kills landed mid-run ($resumed_killed of them in a run resuming committed work, $late timed after a commit; $tmp_seen left *.tmp files, $hot a hot ledger journal); $early came after the run had ended"
[ "$landed" -ge "$KILLS" ] || problem "only $landed kills landed mid-run (the night is too short for this machine: raise CASES)"
verdict "1 at least $KILLS kills landed while noticegen was running ($landed)"

# --- the last run, and the reference's end ------------------------------------
(ngexec run --config "$K/noticegen.ini" --date "$DATE" $JOBOPT) > "$LOGS/final.out" 2> "$LOGS/final.err" &
PID=$!
wait "$PID"
FINALRC=$?
PID=
if [ -n "$REFPID" ]; then
	wait "$REFPID"
	REFRC=$?
	REFPID=
fi
echo "# reference exit $REFRC: $(tail -n 1 "$LOGS/ref.err" | cut -c 1-200)"
echo "# last run exit $FINALRC: $(tail -n 1 "$LOGS/final.err" | cut -c 1-200)"
RR=$REF/out/$DATE
[ "$REFRC" = 0 ] || [ "$REFRC" = 1 ] || bail "2 the reference night completes (exit $REFRC)"
[ "$FINALRC" = "$REFRC" ] || { problem "exit status $FINALRC, the reference's $REFRC"; grep -v ': info: \|: warning: ' "$LOGS/final.err" | head -n 3 | sed 's/^/stderr: /' >> "$PROBS"; }
verdict "2 the last run completes with the reference's exit status ($FINALRC)"

# --- the same night -------------------------------------------------------------
for f in manifest.csv exceptions.csv manifest.xlsx; do
	if [ ! -f "$RD/$f" ]; then
		problem "no $f"
	elif ! cmp -s "$RR/$f" "$RD/$f"; then
		problem "$f differs: $(diff <(tr -d '\r' < "$RR/$f") <(tr -d '\r' < "$RD/$f") 2>/dev/null | grep '^[<>]' | head -n 2 | tr '\n' ' ' | cut -c 1-250)"
	fi
done
verdict "3 manifest.csv, exceptions.csv and manifest.xlsx are byte-identical to the reference's ($(($(wc -l < "$RR/manifest.csv") - 1)) pieces)"

(cd "$RR" && find . -type f -name '*.pdf' -exec sha256sum {} + | LC_ALL=C sort -k 2) > "$TMP/pdfs.ref"
(cd "$RD" && find . -type f -name '*.pdf' -exec sha256sum {} + | LC_ALL=C sort -k 2) > "$TMP/pdfs.kill" 2> /dev/null
cmp -s "$TMP/pdfs.ref" "$TMP/pdfs.kill" || diff "$TMP/pdfs.ref" "$TMP/pdfs.kill" | grep '^[<>]' | head -n 6 | sed 's/^/SHA-256: /' >> "$PROBS"
[ -s "$TMP/pdfs.ref" ] || problem "the reference made no PDF"
verdict "3 every PDF has the reference's SHA-256, and there is no other ($(wc -l < "$TMP/pdfs.ref") PDFs)"

(cd "$RR" && find . -type f ! -name summary.json | LC_ALL=C sort) > "$TMP/files.ref"
(cd "$RD" && find . -type f ! -name summary.json | LC_ALL=C sort) > "$TMP/files.kill"
cmp -s "$TMP/files.ref" "$TMP/files.kill" || diff "$TMP/files.ref" "$TMP/files.kill" | grep '^[<>]' | head -n 6 | sed 's/^/files: /' >> "$PROBS"
leftover=$(find "$K/out" -name '*.tmp' | head -n 5)
[ -z "$leftover" ] || printf '%s\n' "$leftover" | sed "s|^$K/||; s/^/left over: /" >> "$PROBS"
verdict "3 the same files as the reference's run folder, no *.tmp anywhere in the output tree"

journal_rows "$REF/ledger.db" > "$TMP/journal.ref" 2>&1 || problem "cannot read the reference's journal: $(tail -n 1 "$TMP/journal.ref")"
journal_rows "$K/ledger.db" > "$TMP/journal.kill" 2>&1 || problem "cannot read the journal: $(tail -n 1 "$TMP/journal.kill")"
[ "$(wc -l < "$TMP/journal.ref")" -gt 1 ] || problem "the reference's journal is empty"
cmp -s "$TMP/journal.ref" "$TMP/journal.kill" || diff "$TMP/journal.ref" "$TMP/journal.kill" | grep '^[<>]' | head -n 6 | cut -c 1-200 | sed 's/^/journal: /' >> "$PROBS"
q "$REF/ledger.db" "SELECT * FROM exceptions ORDER BY 1,2,3,4,5" > "$TMP/x.ref" 2>&1 || problem "cannot read the reference's exceptions: $(tail -n 1 "$TMP/x.ref")"
q "$K/ledger.db" "SELECT * FROM exceptions ORDER BY 1,2,3,4,5" > "$TMP/x.kill" 2>&1 || problem "cannot read the exceptions: $(tail -n 1 "$TMP/x.kill")"
cmp -s "$TMP/x.ref" "$TMP/x.kill" || diff "$TMP/x.ref" "$TMP/x.kill" | grep '^[<>]' | head -n 4 | sed 's/^/exceptions table: /' >> "$PROBS"
st=$(q "$K/ledger.db" "SELECT status FROM runs WHERE run_date = '$DATE'")
[ "$st" = "$(q "$REF/ledger.db" "SELECT status FROM runs WHERE run_date = '$DATE'")" ] || problem "runs.status is '$st', the reference's differs"
[ -e "$K/ledger.db-journal" ] && problem "a hot rollback journal ledger.db-journal is left"
verdict "3 journal rows and exceptions rows identical to the reference's ($(($(wc -l < "$TMP/journal.ref") - 1)) rows; columns $(head -n 1 "$TMP/journal.ref" | cut -c 3-)), run marked '$st'"

claims "$K/ledger.db" "$RD" "at the end"
verdict "3 every journal row's file is on disk with the journaled SHA-256"

# No partial file under a final name: qpdf --check (which also fails on warnings, as
# for a file cut short) on every PDF (QPDF_SAMPLE=N: N of them, spread over the night).
awk '{ print $2 }' "$TMP/pdfs.kill" > "$TMP/pdf.list"
n=$(wc -l < "$TMP/pdf.list")
if [ -n "${QPDF_SAMPLE:-}" ] && [ "$n" -gt "$QPDF_SAMPLE" ]; then
	awk -v step=$(( n / QPDF_SAMPLE )) 'NR % step == 1' "$TMP/pdf.list" > "$TMP/qpdf.list"
else
	cp "$TMP/pdf.list" "$TMP/qpdf.list"
fi
(cd "$RD" && xargs -P 2 -n 1 sh -c 'qpdf --check "$1" > /dev/null 2>&1 || echo "qpdf --check fails: $1"' sh < "$TMP/qpdf.list") >> "$PROBS"
verdict "3 qpdf --check passes on $(wc -l < "$TMP/qpdf.list") of the $n PDFs"

if [ "$PRIVATE" = 1 ]; then
	nleft=$(find "$PTMP" -mindepth 1 -maxdepth 1 -name 'noticegen-fonts-*' | wc -l)
	echo "# $nleft /tmp/noticegen-fonts-* folders left behind by killed runs (in the private /tmp, removed with the test folder)"
fi
hits=$(grep -l -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' "$LOGS"/*.err 2> /dev/null)
[ -z "$hits" ] || for f in $hits; do problem "$(basename "$f"): $(grep -m 1 -e 'Sanitizer' -e 'runtime error:' "$f" | cut -c 1-200)"; done
verdict "4 no sanitizer report in any run's stderr"

finish
