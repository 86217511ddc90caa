#!/bin/sh
# tests/e2e/disk.sh - output errors (issue 5): a file-size limit, a file system
# that fills up, an output path that is a file, a read-only output folder.
#
# Each must stop the run with exit 73 and a message naming a path; afterwards
# the journal claims no document whose file is missing or differs from its
# SHA-256, no *.tmp is left, every PDF under a final name is sound, and once
# the cause is gone the next run completes. As root, permissions stop no
# write, so the limits are RLIMIT_FSIZE (ulimit -f, prlimit) and tmpfs mounts
# (skipped, with a note, where mounting is not permitted).
#
#   sh tests/e2e/disk.sh           from anywhere
#   NOTICEGEN_BUILD=build-asan     the folder holding noticegen and genledger
#   KEEP=1                         keep the temporary folder (its path is printed;
#                                  the tmpfs mounts are unmounted all the same)
#
# Prints "ok - ..." / "not ok - ..." per check and ends with "N passed, M failed";
# exits 1 if anything failed. POSIX sh.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
DATE=2026-11-03
LIMIT=180
TMP=$(mktemp -d "${TMPDIR:-/tmp}/noticegen-disk.XXXXXX") || { echo "cannot make a temp dir"; exit 1; }
MOUNTS=
cleanup() {
	[ -n "${PID:-}" ] && kill "$PID" 2> /dev/null
	for m in $MOUNTS; do umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null; done
	if [ "${KEEP:-0}" = 1 ]; then echo "# kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
LOGS=$TMP/logs
PROBS=$TMP/problems
STUCK=$TMP/stuck-running
mkdir -p "$LOGS"


# write_config FILE LEDGER OUTPUT KEY
write_config() {
	{
		echo "[paths]"
		echo "ledger  = $2"
		echo "output  = $3"
		echo "layouts = $ROOT/layouts"
		echo "fonts   = $ROOT/fonts/fonts.ini"
		echo "lang    = $ROOT/config/lang"
		echo "pin_key = $4"
		echo
		awk '/^[ \t]*\[/ { keep = ($0 !~ /^[ \t]*\[paths\]/) } keep' "$ROOT/config/noticegen.ini"
	} > "$1"
}
q() { sqlite3 -cmd '.timeout 20000' "$@"; }
# errline NAME: the run's last error line (the one main prints as the run's verdict).
errline() { grep -v ': info: \|: warning: ' "$LOGS/$1.err" | tail -n 1 | cut -c 1-260; }

# expect_73 NAME: the run's exit status is 73 and its last error line names a path.
expect_73() {
	case $RC in
	73) ;;
	153) problem "exit status 153: killed by SIGXFSZ (128+25); noticegen must ignore SIGXFSZ so that write() fails with EFBIG" ;;
	*) problem "exit status $RC, expected 73" ;;
	esac
	errline "$1" | grep -q "error: .*'/[^']*'" || problem "the last error line names no path"
	[ -s "$PROBS" ] && grep -v ': info: \|: warning: ' "$LOGS/$1.err" | tail -n 3 | cut -c 1-260 | sed 's/^/stderr: /' >> "$PROBS"
	grep -q -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' "$LOGS/$1.err" && problem "sanitizer report in $1.err"
	return 0
}
# after_failure NAME DB RUNDIR [nomark]: the journal claims only files on disk with their
# SHA-256; no *.tmp; every PDF under a final name passes qpdf --check; runs.status is not
# left 'running' (unless nomark: the failure also stopped every write to the ledger).
after_failure() {
	claims "$2" "$3" "$1"
	if [ -d "$3" ]; then
		find "$3" -name '*.tmp' | head -n 3 | sed 's/^/left over: /' >> "$PROBS"
		find "$3" -name '*.pdf' > "$TMP/pdfs"
		while read -r p; do
			qpdf --check "$p" > /dev/null 2>&1 || problem "a PDF under its final name fails qpdf --check: $p ($(wc -c < "$p") bytes)"
		done < "$TMP/pdfs"
	fi
	st=$(q "$2" "SELECT status FROM runs WHERE run_date = '$DATE'" 2> /dev/null)
	[ "$st" = running ] && [ "${4:-}" != nomark ] && echo "$1" >> "$STUCK"
	return 0
}
# claims DB RUNDIR LABEL
claims() {
	q "$1" "SELECT sha256 || '  ' || path FROM journal WHERE run_date = '$DATE'" > "$TMP/claims" 2>&1 ||
		{ problem "$3: cannot read the journal: $(tail -n 1 "$TMP/claims")"; return 0; }
	NCLAIMS=$(wc -l < "$TMP/claims")
	[ -s "$TMP/claims" ] || return 0
	if [ ! -d "$2" ]; then
		problem "$3: the journal claims $NCLAIMS documents but there is no $2"
		return 0
	fi
	(cd "$2" && sha256sum -c --quiet "$TMP/claims") > "$TMP/claims.out" 2>&1 ||
		grep -v '^sha256sum: WARNING' "$TMP/claims.out" | head -n 5 | sed "s/^/$3: the journal claims /" >> "$PROBS"
}
# recovered NAME CONFIG DB RUNDIR: with the cause gone, a run completes, and every
# document is journaled, on disk and sound.
recovered() {
	timeout "$LIMIT" "$NG" run --config "$2" --date "$DATE" > "$LOGS/$1.out" 2> "$LOGS/$1.err"
	RC=$?
	[ "$RC" = 0 ] || [ "$RC" = 1 ] || problem "exit status $RC: $(errline "$1")"
	claims "$3" "$4" "$1"
	npdf=$(find "$4" -path '*/cases/*' -name '*.pdf' 2> /dev/null | wc -l)
	[ "$npdf" = "$NCLAIMS" ] || problem "$npdf PDFs in the run folder, $NCLAIMS journaled"
	[ "$NCLAIMS" -gt 0 ] || problem "nothing journaled"
	find "$4" -name '*.tmp' 2> /dev/null | head -n 3 | sed 's/^/left over: /' >> "$PROBS"
	[ -f "$4/manifest.csv" ] || problem "no manifest.csv"
	return 0
}

need sqlite3 qpdf sha256sum timeout bash awk

"$GEN" --out "$TMP/small.db" --cases 40 --seed 3 --as-of "$DATE" > "$LOGS/gen.log" 2>&1 &&
	"$GEN" --out "$TMP/big.db" --cases 150 --seed 3 --as-of "$DATE" >> "$LOGS/gen.log" 2>&1 ||
	{ sed 's/^/#   /' "$LOGS/gen.log"; bail "0 genledger makes the ledgers"; }
KEY=$TMP/pin.key
"$NG" keygen "$KEY" > "$LOGS/keygen.log" 2>&1 || bail "0 noticegen keygen"

# scenario NAME [LEDGER]: a folder with a copy of the (small) ledger; sets D, DB, CFG, RD.
scenario() {
	D=$TMP/$1
	mkdir -p "$D"
	DB=$D/ledger.db
	cp "$TMP/${2:-small}.db" "$DB"
	CFG=$D/noticegen.ini
	write_config "$CFG" "$DB" "$D/out" "$KEY"
	RD=$D/out/$DATE
}

# --- (a) a file-size limit ------------------------------------------------------
# a1: ulimit -f 8 (bash counts in KiB) from the start: 8 KiB, the PDFs are ~20 KB.
scenario a1
timeout "$LIMIT" bash -c 'ulimit -f 8 && exec "$@"' sh "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/a1.out" 2> "$LOGS/a1.err"
RC=$?
expect_73 a1
after_failure a1 "$DB" "$RD"
verdict "a1 under ulimit -f 8: exit 73, the message names a path ($(errline a1 | sed 's/^.*error: //' | cut -c 1-120)); the journal claims $NCLAIMS documents, all on disk"
recovered a1-again "$CFG" "$DB" "$RD"
verdict "a1 without the limit the next run completes ($NCLAIMS documents, journaled, on disk)"

# a2: the same limit put on the running process (prlimit) once it has journaled a batch,
# so that a document write fails in the middle of the night.
if command -v prlimit > /dev/null 2>&1; then
	scenario a2 big
	"$NG" run --config "$CFG" --date "$DATE" > "$LOGS/a2.out" 2> "$LOGS/a2.err" &
	PID=$!            # noticegen itself (no timeout wrapper: prlimit must reach it)
	n=0
	while kill -0 "$PID" 2> /dev/null; do
		n=$(q "$DB" "SELECT count(*) FROM journal" 2> /dev/null)
		[ "${n:-0}" -gt 0 ] && break
		sleep 0.05
	done
	prlimit --pid "$PID" --fsize=8192:8192 2> "$LOGS/prlimit.err" || problem "test set-up: prlimit failed: $(cat "$LOGS/prlimit.err")"
	wait "$PID"
	RC=$?
	PID=
	[ "${n:-0}" -gt 0 ] || problem "test set-up: the run ended before it journaled anything (exit $RC)"
	expect_73 a2
	after_failure a2 "$DB" "$RD" nomark     # the limit stops the ledger's writes too
	verdict "a2 a file-size limit of 8 KiB set on the run after $n journaled documents: exit 73, names a path ($(errline a2 | sed 's/^.*error: //' | cut -c 1-100)); the journal claims $NCLAIMS documents, all on disk"
	recovered a2-again "$CFG" "$DB" "$RD"
	verdict "a2 without the limit the next run completes ($NCLAIMS documents, journaled, on disk)"
else
	echo "# a2 skipped: no prlimit"
fi

# --- (b) a file system that fills up ---------------------------------------------
# try_mount DIR SIZE-KiB: a tmpfs, remembered for the clean-up; fails where not permitted.
try_mount() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=${2}k" tmpfs "$1" 2> "$LOGS/mount.err" || return 1
	MOUNTS="$1 $MOUNTS"
}
if try_mount "$TMP/probe" 300; then
	umount "$TMP/probe"
	# b1: the output on a 300 KiB tmpfs, the ledger elsewhere
	scenario b1
	try_mount "$D/out" 300 || problem "test set-up: mount failed"
	timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/b1.out" 2> "$LOGS/b1.err"
	RC=$?
	expect_73 b1
	after_failure b1 "$DB" "$RD"
	verdict "b1 output on a full 300 KiB tmpfs: exit 73, names a path ($(errline b1 | sed 's/^.*error: //' | cut -c 1-110)); the journal claims $NCLAIMS documents, all on disk"
	mount -o remount,size=200m "$D/out" 2> /dev/null || problem "test set-up: cannot grow the tmpfs"
	recovered b1-again "$CFG" "$DB" "$RD"
	verdict "b1 with room again the next run completes ($NCLAIMS documents, journaled, on disk)"

	# b2: ledger and output on one tmpfs (as the demo config has it), 300 KiB free after the ledger
	scenario b2
	size=$(( $(wc -c < "$DB") / 1024 + 300 ))
	try_mount "$D/fs" "$size" || problem "test set-up: mount failed"
	mv "$DB" "$D/fs/ledger.db"
	DB=$D/fs/ledger.db
	write_config "$CFG" "$DB" "$D/fs/out" "$KEY"
	RD=$D/fs/out/$DATE
	timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/b2.out" 2> "$LOGS/b2.err"
	RC=$?
	expect_73 b2
	after_failure b2 "$DB" "$RD"
	verdict "b2 ledger and output on one tmpfs that fills up: exit 73, names a path; the journal claims $NCLAIMS documents, all on disk"
	mount -o remount,size=200m "$D/fs" 2> /dev/null || problem "test set-up: cannot grow the tmpfs"
	recovered b2-again "$CFG" "$DB" "$RD"
	verdict "b2 with room again the next run completes ($NCLAIMS documents, journaled, on disk)"

	# b3: the ledger's file system is the full one (the output has room): with 0, 16 and
	# 96 KiB free, the ledger write fails at the start, in a journal batch, or later.
	# A full disk is an output error (README: 73, "disk full"), not an unreadable ledger (65).
	for free in 0 16 96; do
		scenario "b3-$free" big
		# room for the night's journal and print plan once the filler is gone
		size=$(( $(wc -c < "$DB") / 1024 + 1000 ))
		try_mount "$D/fs" "$size" || problem "test set-up: mount failed"
		mv "$DB" "$D/fs/ledger.db"
		DB=$D/fs/ledger.db
		write_config "$CFG" "$DB" "$D/out" "$KEY"
		avail=$(df -k "$D/fs" | awk 'NR == 2 { print $4 }')
		head -c $(( (avail - free) * 1024 )) /dev/zero > "$D/fs/filler" 2> /dev/null
		timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/b3-$free.out" 2> "$LOGS/b3-$free.err"
		RC=$?
		expect_73 "b3-$free"
		grep -qF "$DB" "$LOGS/b3-$free.err" || problem "the message does not name the ledger $DB"
		after_failure "b3-$free" "$DB" "$RD"
		verdict "b3 ledger on a full file system ($free KiB free): exit 73, names the ledger ($(errline "b3-$free" | sed 's/^.*error: //' | cut -c 1-100)); the journal claims $NCLAIMS documents, all on disk"
		rm -f "$D/fs/filler"
		recovered "b3-$free-again" "$CFG" "$DB" "$RD"
		verdict "b3 with room again ($free KiB before) the next run completes ($NCLAIMS documents, journaled, on disk)"
	done

	# d: a read-only output folder (a read-only tmpfs: root ignores permission bits)
	scenario d
	try_mount "$D/out" 204800 || problem "test set-up: mount failed"
	mount -o remount,ro "$D/out" 2> /dev/null || problem "test set-up: cannot make the tmpfs read-only"
	timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/d.out" 2> "$LOGS/d.err"
	RC=$?
	expect_73 d
	after_failure d "$DB" "$RD"
	verdict "d read-only output folder: exit 73, names a path ($(errline d | sed 's/^.*error: //' | cut -c 1-110))"
	mount -o remount,rw "$D/out" 2> /dev/null || problem "test set-up: cannot make the tmpfs writable"
	recovered d-again "$CFG" "$DB" "$RD"
	verdict "d writable again, the next run completes ($NCLAIMS documents, journaled, on disk)"
else
	echo "# (b) and (d) skipped: mount -t tmpfs is not permitted here ($(head -n 1 "$LOGS/mount.err"))"
fi

# --- (c) the output path is a regular file ---------------------------------------
scenario c1
printf 'not a folder\n' > "$D/out"
timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/c1.out" 2> "$LOGS/c1.err"
RC=$?
expect_73 c1
[ "$(cat "$D/out")" = "not a folder" ] || problem "the file $D/out was changed"
after_failure c1 "$DB" "$RD"
verdict "c1 [paths] output is a regular file: exit 73, names a path ($(errline c1 | sed 's/^.*error: //' | cut -c 1-110))"

scenario c2
mkdir -p "$D/out"
printf 'not a folder\n' > "$RD"
timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/c2.out" 2> "$LOGS/c2.err"
RC=$?
expect_73 c2
[ "$(cat "$RD")" = "not a folder" ] || problem "the file $RD was changed"
after_failure c2 "$DB" "$D/nowhere"
verdict "c2 the run folder <output>/$DATE is a regular file: exit 73, names a path ($(errline c2 | sed 's/^.*error: //' | cut -c 1-110))"

scenario c3
mkdir -p "$RD"
printf 'not a folder\n' > "$RD/cases"
timeout "$LIMIT" "$NG" run --config "$CFG" --date "$DATE" > "$LOGS/c3.out" 2> "$LOGS/c3.err"
RC=$?
expect_73 c3
after_failure c3 "$DB" "$RD"
verdict "c3 <output>/$DATE/cases is a regular file: exit 73, names a path ($(errline c3 | sed 's/^.*error: //' | cut -c 1-110))"

# --- the runs table after a handled output error ----------------------------------
if [ -s "$STUCK" ]; then
	problem "runs.status stays 'running' after the failed run of: $(tr '\n' ' ' < "$STUCK")(the schema lists 'failed'; a monitor cannot tell a stopped run from a live one)"
fi
verdict "e after an output error the date's runs row is not left 'running'"

finish
