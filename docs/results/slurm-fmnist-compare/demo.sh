#!/usr/bin/env bash
# Issue 22 demo: fmnist-compare through the local SLURM, one training task scancel'led mid-run, the same command
# run again; then the report compared with the --executor local one.
set -uo pipefail
cd /work/main
export SLURM_CONF=/tmp/i22/cluster/slurm.conf
out=/tmp/i22/slurm2
float() { node packages/eval/bin/float.js "$@"; }
args=(experiment fmnist-compare --epochs 1 --limit 200 --eval-batch-size 100 --out "$out" --eval-shards 2 --executor slurm)
echo "== first submission $(date -Is)"
float "${args[@]}" 2> /tmp/i22/slurm-first.err; echo "exit $?"
grep -c '"event":"sbatch"' /tmp/i22/slurm-first.err
squeue -r -o '%i %j %T' | head -20
# Cancel the oat training once it has been running for 20 s (no checkpoint yet: 1 epoch).
state=$out/plan.slurm.json
task=$(node -e "const s=require('$state'); const j=s.jobs['train/oat']; console.log(j.arrayId+'_'+j.task)")
echo "train/oat is $task"
until squeue -h -r -t R -o '%i' | grep -qx "$task"; do sleep 2; done
echo "running $(date -Is)"; sleep 20
ls $out/oat 2>/dev/null
scancel "$task"; echo "scancel $task $(date -Is)"
for i in $(seq 360); do squeue -h -r -o "%i" | grep -q . || break; sleep 5; done; squeue -r -o "%i %j %T %r" | head
echo "queue empty $(date -Is)"
float plan status "$out/plan.json" > /tmp/i22/status-before.txt 2>&1; cat /tmp/i22/status-before.txt
# Finished outputs, with their modification times, before the rerun.
find "$out" -name summary.json -o -name 'eval*.json' -o -name report.json | sort | xargs -r stat -c '%n %Y' > /tmp/i22/mtimes-before.txt
echo "== second run of the same command $(date -Is)"
float "${args[@]}" --wait 2> /tmp/i22/slurm-second.err; echo "exit $?"
grep '"event":"sbatch"' /tmp/i22/slurm-second.err | head
float plan status "$out/plan.json" 2>&1 | tail -30
find "$out" -name summary.json -o -name 'eval*.json' -o -name report.json | sort | xargs -r stat -c '%n %Y' > /tmp/i22/mtimes-after.txt
echo "== outputs finished before the rerun whose mtime changed:"
join <(sort /tmp/i22/mtimes-before.txt) <(sort /tmp/i22/mtimes-after.txt) | awk '$2 != $3'
echo "== done $(date -Is)"
