# tests/e2e/lib.sh - what the end-to-end scripts share: where the
# binaries are, reporting and the test config. Sourced (POSIX sh) right
# after the script sets HERE (its own folder); it sets ROOT, BUILD, NG, GEN,
# START, PASS and FAIL. The script sets PROBS (a file) before its first
# check. VERDICT_LINES: how many problem lines a verdict shows.

ROOT=$(cd "$HERE/../.." && pwd)
# NOTICEGEN_BUILD=build-asan tests the sanitizer build.
BUILD=${NOTICEGEN_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
NG=$BUILD/noticegen
GEN=$BUILD/genledger
START=$(date +%s)
PASS=0
FAIL=0

ok()    { PASS=$((PASS + 1)); echo "ok - $*"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
# problem TEXT: note what is wrong with the check being made; verdict DESC ends it.
problem() { echo "$*" >> "$PROBS"; }
verdict() {
	if [ -s "$PROBS" ]; then
		notok "$*"
		head -n "${VERDICT_LINES:-12}" "$PROBS" | sed 's/^/#   /'
		n=$(wc -l < "$PROBS")
		[ "$n" -gt "${VERDICT_LINES:-12}" ] && echo "#   ... and $((n - ${VERDICT_LINES:-12})) more"
	else
		ok "$*"
	fi
	rm -f "$PROBS"
}
finish() {
	echo "# $(($(date +%s) - START)) s"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
bail() {
	notok "$*"
	finish
}

# need TOOL...: stop unless every tool is installed and the binaries are built.
need() {
	for t in "$@"; do
		command -v "$t" > /dev/null 2>&1 || bail "0 tool $t is installed"
	done
	[ -x "$NG" ] && [ -x "$GEN" ] || bail "0 $NG and $GEN exist (run make first)"
}

# write_config FILE DIR: ledger, output and key in DIR; the repo's layouts,
# fonts and catalogs; every other section copied from config/noticegen.ini.
write_config() {
	{
		echo "[paths]"
		echo "ledger  = $2/ledger.db"
		echo "output  = $2/out"
		echo "layouts = $ROOT/layouts"
		echo "fonts   = $ROOT/fonts/fonts.ini"
		echo "lang    = $ROOT/config/lang"
		echo "pin_key = $2/pin.key"
		echo
		awk '/^[ \t]*\[/ { keep = ($0 !~ /^[ \t]*\[paths\]/) } keep' "$ROOT/config/noticegen.ini"
	} > "$1"
}
# set_key FILE SECTION KEY VALUE: rewrite one key of an INI file in place; fails if absent.
set_key() {
	awk -v sec="$2" -v key="$3" -v val="$4" '
		/^[ \t]*\[/ { in_sec = ($0 ~ "^[ \t]*\\[" sec "\\]") }
		in_sec && $0 ~ "^[ \t]*" key "[ \t]*=" && !done { print key " = " val; done = 1; next }
		{ print }
		END { exit !done }' "$1" > "$1.new" && mv "$1.new" "$1"
}
# del_key FILE SECTION KEY: remove one key of an INI file; fails if absent.
del_key() {
	awk -v sec="$2" -v key="$3" '
		/^[ \t]*\[/ { in_sec = ($0 ~ "^[ \t]*\\[" sec "\\]") }
		in_sec && $0 ~ "^[ \t]*" key "[ \t]*=" && !done { done = 1; next }
		{ print }
		END { exit !done }' "$1" > "$1.new" && mv "$1.new" "$1"
}
