#!/bin/bash
# noticegen over a Slurm cluster: one array task per shard, then the merge.
#   sbatch config/cluster/noticegen-slurm.sh 2026-11-03
# The ledger reaches the workers as a read-only snapshot per run: after
# `prepare` (which issues the night's PINs on the master ledger), the master
# is copied once to shared storage; each task copies it to its node's local
# disk and writes its journal there. Output goes to shared storage.
#SBATCH --job-name=noticegen
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --mem=512M
#SBATCH --time=02:00:00
set -euo pipefail
DATE=${1:?usage: sbatch noticegen-slurm.sh YYYY-MM-DD}
SHARED=/shared/noticegen
SNAP=$SHARED/snapshots/$DATE.db

if [ "${SLURM_ARRAY_TASK_ID}" = 0 ] && [ ! -f "$SNAP" ]; then
	noticegen prepare --config /etc/noticegen/noticegen.ini --date "$DATE"
	sqlite3 /var/lib/noticegen/ledger.db ".backup '$SNAP.tmp'" && mv "$SNAP.tmp" "$SNAP"
fi
while [ ! -f "$SNAP" ]; do sleep 5; done

local=$(mktemp -d)
cp "$SNAP" "$local/ledger.db"
sed -e "s|^ledger .*|ledger = $local/ledger.db|" -e "s|^output .*|output = $SHARED/out|" \
	/etc/noticegen/noticegen.ini > "$local/noticegen.ini"
# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT choose the shard.
noticegen run --config "$local/noticegen.ini" --date "$DATE" --quiet || [ $? -eq 1 ]
rm -rf "$local"

# The merge runs once every shard is done:
#   sbatch --dependency=afterok:<jobid> --wrap \
#     "noticegen merge --config /etc/noticegen/noticegen.ini --date $DATE --shards 8"
