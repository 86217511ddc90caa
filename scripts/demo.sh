#!/bin/sh
# make demo: a sample ledger of 40 cases, a PIN key, and one night's run.
# Run it again and the same night adds nothing (the journal remembers).
set -eu
date=${1:-2026-11-03}
bin=${NOTICEGEN_BUILD:-build}
mkdir -p out
if [ ! -f out/demo-ledger.db ]; then
	"$bin/genledger" --out out/demo-ledger.db --cases 40 --seed 1 --as-of "$date"
fi
[ -f out/demo-pin.key ] || "$bin/noticegen" keygen out/demo-pin.key
set +e
"$bin/noticegen" run --config config/noticegen.ini --date "$date"
rc=$?
set -e
echo
echo "demo: exit code $rc (0: all made; 1: made, with exceptions listed in exceptions.csv)"
echo "demo: look in out/$date/: cases/*/*.pdf, manifest.csv, manifest.xlsx, exceptions.csv, summary.json"
echo "demo: the print shop's files are in out/$date/print/: batches, jobticket.csv/.xlsx, SHA256SUMS, READY"
[ "$rc" -le 1 ]
