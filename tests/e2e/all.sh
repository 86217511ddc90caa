#!/bin/sh
# Runs every end-to-end script and adds up their results. Each script
# prints "ok - ..." lines and ends with "N passed, M failed"; this prints
# their output and one total line of the same form.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
for t in run lang pin shard bad_input print kill disk; do
	[ -f "$HERE/$t.sh" ] || continue
	echo "== $t.sh"
	out=$(sh "$HERE/$t.sh" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$last" ]; then
		echo "not ok - $t.sh ended without a result line (exit $rc)"
		fail=$((fail + 1))
		continue
	fi
	p=${last%% passed*}
	f=${last#*passed, }
	f=${f%% failed*}
	pass=$((pass + p))
	fail=$((fail + f))
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || { echo "not ok - $t.sh exited $rc"; fail=$((fail + 1)); }
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
