#!/usr/bin/env bash
# AutoAttack-standard on the fmnist-quick FLOAT model at λ = 0: 500 points unsharded, then in 4 shards merged.
# Needs the main job's model (bash scripts/main.sh). Results here: unsharded.json, merged.json, compare.txt.
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"; out=${OUT:-runs/aa-sharded}; mkdir -p "$out"
m=runs/fmnist-quick-float
f() { node packages/eval/bin/float.js "$@"; }
common=(--attack autoattack-standard --lambdas 0 --limit 500 --batch-size 100 --quiet)
s=$(date +%s); f eval $m "${common[@]}" --json $out/unsharded.json; echo "unsharded exit $? $(( $(date +%s) - s )) s"
for i in 1 2 3 4; do s=$(date +%s); f eval $m "${common[@]}" --shard $i/4 --json $out/shard-$i.json; echo "shard $i exit $? $(( $(date +%s) - s )) s"; done
f merge $out/shard-{1,2,3,4}.json --json $out/merged.json; echo "merge exit $?"
node scripts/slurm-test/compare-reports.mjs $out/unsharded.json $out/merged.json
