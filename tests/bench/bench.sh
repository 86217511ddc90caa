#!/usr/bin/env bash
# make bench: the nightly job on a generated ledger, on a cycle day (all four
# document types due), run RUNS times; prints medians. N=100000 for the full
# figure. Not part of make test.
set -eu
# The binaries (NOTICEGEN_BUILD) and the test config, as the end-to-end tests find them.
HERE=$(cd "$(dirname "$0")/../e2e" && pwd)
. "$HERE/lib.sh"
N=${N:-2000}
RUNS=${RUNS:-3}
JOBS=${JOBS:-1}
DATE=2026-11-03
tmp=$(mktemp -d /tmp/noticegen-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$GEN" --out "$tmp/ledger.db" --cases "$N" --seed 1 --as-of "$DATE" >/dev/null
"$NG" keygen "$tmp/pin.key"

config() {  # $1: output folder, $2: name
	write_config "$tmp/config-$2.ini" "$tmp" && set_key "$tmp/config-$2.ini" paths output "$1"
}

# Earlier nights' files are written back to disk before a timed night starts
# (sync): left dirty, their writeback lands in whichever night runs next, and
# on a small machine it moved a night's time by a third from run to run.
settle() { sync; }

# A night's exit code: 0, or 1 (done, with exceptions); else its last words, and stop.
night_ok() {
	[ "$1" -eq 1 ] && return 0
	echo "bench: a night failed with exit code $1:" >&2
	tail -n 3 "$tmp/err" >&2
	return 1
}

# A night of N cases takes up to ~80 KB of disk per case (8 GB at N=100000).
# Earlier nights' output is kept while there is room: removing it just before
# a night makes creating files cost more (ext4 looks past recently freed inodes).
make_room() {
	local need=$(( N * 120 )) avail
	avail=$(df -k --output=avail "$tmp" | tail -n 1)
	if [ "$avail" -lt "$need" ]; then
		echo "bench: less than $(( need / 1048576 )) GB free; removing earlier nights' output (the next night may be slower for it)" >&2
		find "$tmp" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
	fi
}

# A number from a night's summary.json: summary_num KEY FILE (the first, where the key repeats).
summary_num() { sed -n "s/.*\"$1\": \([0-9.]*\),/\1/p" "$2" | head -1; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "bench: N=$N cases, $RUNS runs, --jobs $JOBS, run date $DATE, $(nproc) cores"
for i in $(seq 0 "$RUNS"); do
	# Run 0 issues the PINs and warms the caches; it is not counted.
	sqlite3 "$tmp/ledger.db" "DELETE FROM journal; DELETE FROM exceptions; DELETE FROM runs;
		DELETE FROM print_pieces; DELETE FROM print_batches;"
	make_room
	config "$tmp/out$i" "$i"
	settle
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time$i" \
		"$NG" run --config "$tmp/config-$i.ini" --date "$DATE" --jobs "$JOBS" --quiet 2>"$tmp/err" || night_ok $?
	[ "$i" -eq 0 ] && continue
	read -r wall user sys rss < <(tail -n 1 "$tmp/time$i")
	s="$tmp/out$i/$DATE/summary.json"
	docs=$(summary_num pieces "$s")
	pages=$(summary_num pages "$s")
	echo "$docs $pages $wall $user $sys $rss" >> "$tmp/runs"
	sed -n 's/.*"stage_seconds": {\(.*\)},/\1/p' "$s" >> "$tmp/stages"
done

docs=$(awk '{print $1}' "$tmp/runs" | head -1)
pages=$(awk '{print $2}' "$tmp/runs" | head -1)
wall=$(awk '{print $3}' "$tmp/runs" | median)
cpu=$(awk '{print $4 + $5}' "$tmp/runs" | median)
rss=$(awk '{print $6}' "$tmp/runs" | median)
awk -v d="$docs" -v p="$pages" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {
	printf "documents            %d (%d pages)\n", d, p
	printf "wall seconds         %.2f (median)\n", w
	printf "documents/s (wall)   %.0f\n", d / w
	printf "pages/s (wall)       %.0f\n", p / w
	printf "CPU s per 1,000 docs %.2f\n", c * 1000 / d
	printf "peak RSS             %.1f MiB\n", r / 1024
}'
echo "time share by stage (mean of runs):"
tr ',' '\n' < "$tmp/stages" | sed 's/[" ]//g' | awk -F: '{ s[$1] += $2; t += $2 } END {
	for (k in s) printf "  %-10s %5.1f%%\n", k, 100 * s[k] / t }' | sort -k2 -rn
echo "average bytes per document, by type and language:"
sqlite3 -separator ' ' "$tmp/ledger.db" "SELECT doc_type, lang, count(*), CAST(avg(bytes) AS INTEGER)
	FROM journal GROUP BY doc_type, lang ORDER BY doc_type, lang" |
	awk '{ printf "  %-10s %-3s %7d bytes  (%d docs)\n", $1, $2, $4, $3 }'

# --jobs: the same night with one process and with two, taking turns, so
# that the machine's drift weighs on both alike; the ratio is of medians.
echo "--jobs 1 and --jobs 2 on the same ledger (median of $RUNS, in turn):"
for r in $(seq 1 "$RUNS"); do
	for j in 1 2; do
		# IMb serials start over too, so that each run's manifest and batches can be compared.
		sqlite3 "$tmp/ledger.db" "DELETE FROM journal; DELETE FROM exceptions; DELETE FROM runs;
			DELETE FROM print_pieces; DELETE FROM print_batches; DELETE FROM imb_serials;"
		make_room
		config "$tmp/jobs$j-$r" "jobs"
		settle
		/usr/bin/time -f "%e" -o "$tmp/jtime" \
			"$NG" run --config "$tmp/config-jobs.ini" --date "$DATE" --jobs "$j" --quiet 2>"$tmp/err" || night_ok $?
		tail -n 1 "$tmp/jtime" >> "$tmp/wall-jobs$j"
		cat "$tmp/jobs$j-$r/$DATE/manifest.csv" "$tmp/jobs$j-$r/$DATE/print/SHA256SUMS" | sha256sum >> "$tmp/manifests"
	done
done
j1=$(median < "$tmp/wall-jobs1")
j2=$(median < "$tmp/wall-jobs2")
awk -v a="$j1" -v b="$j2" -v r1="$(tr '\n' ' ' < "$tmp/wall-jobs1")" -v r2="$(tr '\n' ' ' < "$tmp/wall-jobs2")" 'BEGIN {
	printf "  --jobs 1  %6.2f s  (runs: %s)\n  --jobs 2  %6.2f s  (runs: %s)\n  speed-up  %.2fx\n", a, r1, b, r2, a / b }'
[ "$(sort -u "$tmp/manifests" | wc -l)" -eq 1 ] && echo "  manifests and print batches: identical in every run" ||
	echo "  manifests and print batches: DIFFER between runs"
[ "$N" -lt 100000 ] && echo "  (start-up and the serial batch plan weigh more in a small night; N=100000 is the full figure)"

# What a second language costs: the same cases with every party English,
# then every party Spanish, Korean, Arabic, Bengali (bilingual documents).
# The languages take turns, run after run, so that a machine's drift (its
# disk filling with the runs' output, its neighbours) weighs on each alike.
# A night of M cases takes about a second: at least 11 rounds, since one
# night in a few lands on a busy moment of the disk (on a shared machine,
# English medians of 7 rounds moved from 0.35 to 0.52 ms a document from
# one bench to the next).
M=$(( N / 4 > 1000 ? 1000 : N / 4 ))
LANGS="en es ko ar bn"
LRUNS=$(( RUNS > 11 ? RUNS : 11 ))
echo "seconds per document by language (first $M cases, one process, median of $LRUNS, languages in turn):"
for r in $(seq 1 "$LRUNS"); do
	for lang in $LANGS; do
		rm -f "$tmp/lang.db" && cp "$tmp/ledger.db" "$tmp/lang.db"
		sqlite3 "$tmp/lang.db" "DELETE FROM journal; DELETE FROM exceptions; DELETE FROM runs;
			DELETE FROM print_pieces; DELETE FROM print_batches;
			DELETE FROM cases WHERE case_key > $M; UPDATE parties SET lang = '$lang';"
		config "$tmp/lang-$lang-$r" lang && set_key "$tmp/config-lang.ini" paths ledger "$tmp/lang.db"
		settle
		"$NG" run --config "$tmp/config-lang.ini" --date "$DATE" --quiet 2>"$tmp/err" || night_ok $?
		s="$tmp/lang-$lang-$r/$DATE/summary.json"
		docs=$(summary_num pieces "$s")
		pages=$(summary_num pages "$s")
		secs=$(summary_num seconds "$s")
		awk -v d="$docs" -v s="$secs" 'BEGIN { printf "%.6f\n", s / d }' >> "$tmp/runs-$lang"
		awk -v p="$pages" -v s="$secs" 'BEGIN { printf "%.6f\n", s / p }' >> "$tmp/pages-$lang"
	done
done
# A bilingual document is the English one and its translation: about twice the pages.
# "x English" is the ratio of the medians; "paired" the median of each
# round's ratio (a language's night over the English one of that round),
# which the machine's slower and faster moments, shared by the round, move less.
for lang in $LANGS; do
	median < "$tmp/runs-$lang" > "$tmp/per-$lang"
	median < "$tmp/pages-$lang" > "$tmp/perpage-$lang"
	paste "$tmp/runs-$lang" "$tmp/runs-en" | awk '{ printf "%.6f\n", $1 / $2 }' | median > "$tmp/paired-$lang"
	awk -v l="$lang" -v x="$(cat "$tmp/per-$lang")" -v e="$(cat "$tmp/per-en")" -v pr="$(cat "$tmp/paired-$lang")" \
		-v px="$(cat "$tmp/perpage-$lang")" -v pe="$(cat "$tmp/perpage-en")" \
		-v all="$(sort -g "$tmp/runs-$lang" | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 * 1000 }')" \
		'BEGIN { printf "  %-3s %6.2f ms/doc  %4.2fx English (paired %4.2fx)  %6.2f ms/page  %4.2fx  (runs, ms/doc: %s)\n", l, x * 1000, x / e, pr, px * 1000, px / pe, all }'
done
