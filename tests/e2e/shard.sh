#!/bin/sh
# Shards: four shard processes on snapshots of the ledger, then merge,
# give the same documents (same SHA-256 each) and the same manifest as one
# unsharded run; --jobs 2 gives the same output as --jobs 1; plain libharu
# (NOTICEGEN_PLAIN_LIBHARU=1) the same documents once streams are uncompressed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
D=2026-11-03
tmp=$(mktemp -d /tmp/noticegen-e2e-shard.XXXXXX)
[ "${KEEP:-}" = 1 ] && echo "# kept: $tmp" || trap 'rm -rf "$tmp"' EXIT

config() {  # $1 name, $2 ledger, $3 output; the key is $tmp/pin.key
	write_config "$tmp/$1.ini" "$tmp" && set_key "$tmp/$1.ini" paths ledger "$2" &&
		set_key "$tmp/$1.ini" paths output "$3"
}
same() {  # $1 $2 manifests: the same rows, byte for byte
	cmp -s "$1" "$2"
}

"$GEN" --out "$tmp/master.db" --cases 160 --seed 21 --as-of $D >/dev/null
"$NG" keygen "$tmp/pin.key"
config master "$tmp/master.db" "$tmp/out"
"$NG" prepare --config "$tmp/master.ini" --date $D 2>"$tmp/prepare.log" &&
	ok "prepare issues the night's PINs on the master ledger" || notok "prepare failed: $(cat "$tmp/prepare.log")"

# The reference: one process, on a copy of the prepared ledger. Later runs
# start from the prepared ledger too (the master's journal knows the night
# once the shards are merged into it).
cp "$tmp/master.db" "$tmp/prepared.db"
cp "$tmp/master.db" "$tmp/ref.db"
config ref "$tmp/ref.db" "$tmp/ref"
"$NG" run --config "$tmp/ref.ini" --date $D --quiet 2>/dev/null
[ $? -le 1 ] || notok "the reference run failed"

# Four shards, each on its own snapshot, all at once, into the shared output folder.
for k in 0 1 2 3; do
	cp "$tmp/master.db" "$tmp/snap$k.db"
	config snap$k "$tmp/snap$k.db" "$tmp/out"
done
for k in 0 1 2 3; do
	"$NG" run --config "$tmp/snap$k.ini" --date $D --shard $k/4 --quiet 2>"$tmp/shard$k.log" &
done
wait
n=$(ls "$tmp"/out/$D/shard-*-of-4/journal.tsv 2>/dev/null | wc -l)
[ "$n" -eq 4 ] && ok "four shards finished, each with its journal" || notok "only $n shards finished"
"$NG" merge --config "$tmp/master.ini" --date $D --shards 4 2>"$tmp/merge.log"
rc=$?
[ $rc -le 1 ] && ok "merge joins them (exit $rc)" || notok "merge failed (exit $rc): $(tail -n 2 "$tmp/merge.log")"
same "$tmp/ref/$D/manifest.csv" "$tmp/out/$D/manifest.csv" &&
	ok "the merged manifest equals the unsharded one byte for byte ($(($(wc -l < "$tmp/ref/$D/manifest.csv") - 1)) rows)" ||
	notok "the merged manifest differs: $(diff "$tmp/ref/$D/manifest.csv" "$tmp/out/$D/manifest.csv" | head -n 3)"
bad=0
for f in $(cd "$tmp/ref/$D" && find cases -name '*.pdf'); do
	cmp -s "$tmp/ref/$D/$f" "$tmp/out/$D/$f" || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && ok "every document is identical to the unsharded run's" || notok "$bad documents differ"
same "$tmp/ref/$D/exceptions.csv" "$tmp/out/$D/exceptions.csv" && ok "the same exceptions report" ||
	notok "the exceptions reports differ"
print_sums() { (cd "$1/print" 2>/dev/null && sha256sum -- * | grep -v ' READY$'); }
[ -n "$(print_sums "$tmp/ref/$D")" ] && [ "$(print_sums "$tmp/ref/$D")" = "$(print_sums "$tmp/out/$D")" ] &&
	ok "the merge makes the print batches, ticket and checksums of the unsharded run, byte for byte" ||
	notok "the merged print/ folder differs: $(print_sums "$tmp/out/$D" | head -n 2)"
"$NG" merge --config "$tmp/master.ini" --date $D --shards 4 2>/dev/null
same "$tmp/ref/$D/manifest.csv" "$tmp/out/$D/manifest.csv" && ok "merging again changes nothing" ||
	notok "a second merge changed the manifest"

# Two worker processes on one machine: the same output as one.
cp "$tmp/prepared.db" "$tmp/jobs.db"
config jobs "$tmp/jobs.db" "$tmp/jobs"
"$NG" run --config "$tmp/jobs.ini" --date $D --jobs 2 --quiet 2>/dev/null
same "$tmp/ref/$D/manifest.csv" "$tmp/jobs/$D/manifest.csv" && ok "--jobs 2 gives the manifest of --jobs 1, byte for byte" ||
	notok "--jobs 2 differs from --jobs 1"
[ "$(print_sums "$tmp/ref/$D")" = "$(print_sums "$tmp/jobs/$D")" ] &&
	ok "--jobs 2 draws the print batches of --jobs 1, byte for byte" || notok "--jobs 2 print batches differ"
w=$(sed -n 's/.*"written_now": \([0-9]*\).*/\1/p' "$tmp/jobs/$D/summary.json")
p=$(sed -n 's/^  "pieces": \([0-9]*\).*/\1/p' "$tmp/jobs/$D/summary.json")
[ -n "$w" ] && [ "$w" = "$p" ] && ok "--jobs 2: summary.json counts each document once ($w written, $p pieces)" ||
	notok "--jobs 2: summary.json says $w written, $p pieces"

# Workers share stderr: each log line must reach it whole, never spliced
# with another worker's (cron mail and journald read it line by line).
"$GEN" --out "$tmp/loud.db" --cases 3000 --seed 5 --as-of $D >/dev/null
sqlite3 "$tmp/loud.db" "UPDATE parties SET zip = '1' WHERE party_id % 2 = 0"
config loud "$tmp/loud.db" "$tmp/loud"
"$NG" run --config "$tmp/loud.ini" --date $D --jobs 8 2>"$tmp/loud.err"
rc=$?
n=$(wc -l < "$tmp/loud.err")
bad=$(grep -cv '^[0-9-]*T[0-9:]*Z noticegen: [a-z]*: [^:]' "$tmp/loud.err"; grep -c 'Z noticegen: .*Z noticegen: ' "$tmp/loud.err")
[ "$rc" -eq 1 ] && [ "$n" -gt 1000 ] && [ "$(echo $bad | tr ' ' '+' | bc)" -eq 0 ] &&
	ok "--jobs 8: each of $n log lines whole (exit $rc)" ||
	notok "--jobs 8: $(echo $bad | tr ' ' '+' | bc) of $n log lines spliced or cut (exit $rc): $(grep -m 1 'Z noticegen: .*Z noticegen: ' "$tmp/loud.err" | cut -c 1-120)"

# The faster libharu internals (src/haru_fast.c) write the documents plain
# libharu writes, but for how streams are compressed (libdeflate, not zlib):
# with every stream decompressed and each file rewritten the same way by
# qpdf, the fast and the plain copy of every document must be byte-identical.
cp "$tmp/prepared.db" "$tmp/plain.db"
config plain "$tmp/plain.db" "$tmp/plain"
NOTICEGEN_PLAIN_LIBHARU=1 "$NG" run --config "$tmp/plain.ini" --date $D --quiet 2>"$tmp/plain.log"
[ $? -le 1 ] || notok "the plain libharu run failed: $(grep -v warning "$tmp/plain.log" | tail -3)"
pdfs() { (cd "$1/$D" && find cases -name '*.pdf' | sort); }
pdfs "$tmp/ref" > "$tmp/fast.list"
pdfs "$tmp/plain" > "$tmp/plain.list"
n=$(wc -l < "$tmp/fast.list")
[ "$n" -gt 0 ] && cmp -s "$tmp/fast.list" "$tmp/plain.list" &&
	ok "plain libharu (NOTICEGEN_PLAIN_LIBHARU=1) writes the same $n per-case documents as the faster internals" ||
	notok "plain libharu and the faster internals write other documents ($n vs $(wc -l < "$tmp/plain.list"))"
# unpack PDF OUT: all streams uncompressed (none left Flate-encoded), objects renumbered, a fixed ID.
unpack() {
	qpdf --qdf --object-streams=disable --stream-data=uncompress --static-id "$1" "$2" 2>>"$tmp/qpdf.log" &&
		! grep -q FlateDecode "$2"
}
# Font programs as the faster internals cut them (no cmap, no metrics for
# glyphs not drawn): fontnorm.py rewrites both copies so, then they must match.
bad=0
recompressed=0
i=0
: > "$tmp/norm.list"
while read -r f; do
	i=$((i + 1))
	unpack "$tmp/ref/$D/$f" "$tmp/fast$i.qdf" && unpack "$tmp/plain/$D/$f" "$tmp/plain$i.qdf" &&
		printf '%s %s\n%s %s\n' "$tmp/fast$i.qdf" "$tmp/fast$i.norm" "$tmp/plain$i.qdf" "$tmp/plain$i.norm" \
			>> "$tmp/norm.list" || { bad=$((bad + 1)); echo "$f" >> "$tmp/bad.list"; }
	cmp -s "$tmp/ref/$D/$f" "$tmp/plain/$D/$f" || recompressed=$((recompressed + 1))
done < "$tmp/fast.list"
python3 "$HERE/fontnorm.py" < "$tmp/norm.list" || bad=$((bad + 1))
i=0
while read -r f; do
	i=$((i + 1))
	cmp -s "$tmp/fast$i.norm" "$tmp/plain$i.norm" || { bad=$((bad + 1)); echo "$f" >> "$tmp/bad.list"; }
done < "$tmp/fast.list"
[ "$n" -gt 0 ] && [ "$bad" -eq 0 ] &&
	ok "plain libharu and the faster internals: same objects and same uncompressed streams in all $n ($recompressed compressed otherwise)" ||
	notok "plain libharu and the faster internals: $bad of $n documents differ once uncompressed: $(head -n 3 "$tmp/bad.list" 2>/dev/null)"
# The faster internals' font programs hold no cmap table; plain libharu's do.
if python3 "$HERE/fontnorm.py" --tags "$tmp/plain1.qdf" | grep -q cmap &&
	! python3 "$HERE/fontnorm.py" --tags "$tmp/fast1.qdf" | grep -q cmap &&
	[ -n "$(python3 "$HERE/fontnorm.py" --tags "$tmp/fast1.qdf")" ]; then
	ok "the faster internals leave the cmap table out of the embedded font programs"
else
	notok "a font program of the faster internals still holds a cmap table (or the plain one none)"
fi

# A Slurm array task picks its shard from the environment.
cp "$tmp/prepared.db" "$tmp/slurm.db"
config slurm "$tmp/slurm.db" "$tmp/slurm"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 "$NG" run --config "$tmp/slurm.ini" --date $D --quiet 2>/dev/null
[ -f "$tmp/slurm/$D/shard-1-of-4/journal.tsv" ] && ok "SLURM_ARRAY_TASK_ID/COUNT select shard 1 of 4" ||
	notok "the Slurm array variables were not used"
JOB_COMPLETION_INDEX=2 "$NG" run --config "$tmp/slurm.ini" --date $D --quiet 2>/dev/null
[ $? -eq 64 ] && ok "JOB_COMPLETION_INDEX without --shards is refused (64)" || notok "JOB_COMPLETION_INDEX without --shards was not refused"

finish
