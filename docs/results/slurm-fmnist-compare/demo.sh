#!/usr/bin/env bash
# Issue 22 demo: fmnist-compare in one process (--executor local), then through a one-node SLURM on localhost with
# one training task scancel'led mid-run and the same command run again; then the two reports compared. What was
# printed in session 13 is demo.log (the SLURM part) and compare-local-vs-slurm.txt.
# Needs `npm run build` and scripts/slurm-test/install.sh. Usage: bash docs/results/slurm-fmnist-compare/demo.sh
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
work=$(mkdir -p "${WORK:-runs/slurm-demo}" && cd "${WORK:-runs/slurm-demo}" && pwd)
bash scripts/slurm-test/cluster.sh start "$work/cluster" || exit 1
trap 'bash scripts/slurm-test/cluster.sh stop "$work/cluster"' EXIT
export SLURM_CONF=$work/cluster/slurm.conf
float() { node packages/eval/bin/float.js "$@"; }
common=(experiment fmnist-compare --epochs 1 --limit 200 --eval-batch-size 100)
float "${common[@]}" --out "$work/local" --quiet; echo "local exit $?"
out=$work/slurm
args=("${common[@]}" --out "$out" --eval-shards 2 --executor slurm)
echo "== first submission $(date -Is)"
float "${args[@]}" 2> "$work/slurm-first.err"; echo "exit $?"
grep -c '"event":"sbatch"' "$work/slurm-first.err"
squeue -r -o '%i %j %T' | head -20
# Cancel the oat training once it has been running for 20 s (no checkpoint yet: 1 epoch).
task=$(node -e "const j=require('$out/plan.slurm.json').jobs['train/oat']; console.log(j.arrayId+'_'+j.task)")
echo "train/oat is $task"
until squeue -h -r -t R -o '%i' | grep -qx "$task"; do sleep 2; done
echo "running $(date -Is)"; sleep 20
ls "$out/oat" 2>/dev/null
scancel "$task"; echo "scancel $task $(date -Is)"
for _ in $(seq 360); do squeue -h -r -o "%i" | grep -q . || break; sleep 5; done; squeue -r -o "%i %j %T %r" | head
echo "queue empty $(date -Is)"
float plan status "$out/plan.json" 2>&1
# Finished outputs, with their modification times, before and after the rerun.
mtimes() { find "$out" -name summary.json -o -name 'eval*.json' -o -name report.json | sort | xargs -r stat -c '%n %Y'; }
mtimes > "$work/mtimes-before.txt"
echo "== second run of the same command $(date -Is)"
float "${args[@]}" --wait 2> "$work/slurm-second.err"; echo "exit $?"
grep '"event":"sbatch"' "$work/slurm-second.err" | head
float plan status "$out/plan.json" 2>&1 | tail -30
mtimes > "$work/mtimes-after.txt"
echo "== outputs finished before the rerun whose mtime changed:"
join "$work/mtimes-before.txt" "$work/mtimes-after.txt" | awk '$2 != $3'
echo "== local vs slurm"
node scripts/slurm-test/compare-reports.mjs "$work/local/report.json" "$out/report.json"
echo "== done $(date -Is)"
