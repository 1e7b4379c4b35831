#!/usr/bin/env bash
# One benchmark sitting as in BENCHMARKS.md: conv throughput, two rounds of bench-all.sh, three more rounds
# of the PyTorch reference and `float bench --method pgd-at`, then one-thread rows. Needs `npm run build`.
set -uo pipefail
cd "$(dirname "$0")/.."
echo "# start $(date -Is) load $(cut -d' ' -f1-3 /proc/loadavg)"
bash scripts/bench-conv.sh 2>/dev/null
for round in 1 2; do bash scripts/bench-all.sh 2>/dev/null; done
ref=${PYTORCH_REFERENCE:-../shared/bench/pytorch_reference.py}
py=${PYTHON:-/usr/bin/python3}
torch_ok=false
if [ -f "$ref" ] && $py -c "import torch" 2>/dev/null; then torch_ok=true; fi
for i in 1 2 3; do
  if $torch_ok; then
    $py "$ref" --workload resnet20-pgd7 --batch 64
    $py "$ref" --workload cnn-s-pgd7 --batch 128
  fi
  node packages/eval/bin/float.js bench --workload resnet20-pgd7 --batch 64 --method pgd-at --json 2>/dev/null
  node packages/eval/bin/float.js bench --workload cnn-s-pgd7 --batch 128 --method pgd-at --json 2>/dev/null
done
FLOAT_THREADS=1 node packages/eval/bin/float.js bench --workload resnet20-pgd7 --batch 64 --method pgd-at --json 2>/dev/null
FLOAT_THREADS=1 node packages/eval/bin/float.js bench --workload cnn-s-pgd7 --batch 128 --method pgd-at --json 2>/dev/null
echo "# end $(date -Is)"
