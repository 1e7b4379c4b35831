#!/usr/bin/env bash
# Runs the training-throughput benchmarks side by side in one sitting: the PyTorch reference
# (../shared/bench/pytorch_reference.py, Debian's python3-torch) and `float bench`, for both workloads.
# Prints one JSON line per measurement. Needs `npm run build` first. Usage: bash scripts/bench-all.sh
# FLOAT_THREADS (default: all cores) sets the wasm backend's threads; OAT's step is timed for the
# training-cost comparison of the paper's Fig. 7a (it has no PyTorch reference here).
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${PYTORCH_REFERENCE:-../shared/bench/pytorch_reference.py}
py=${PYTHON:-/usr/bin/python3}
for spec in "resnet20-pgd7 64" "cnn-s-pgd7 128"; do
  set -- $spec
  if [ -f "$ref" ] && $py -c "import torch" 2>/dev/null; then
    $py "$ref" --workload "$1" --batch "$2"
  else
    echo "{\"impl\":\"pytorch-cpu\",\"workload\":\"$1\",\"skipped\":\"python3-torch or $ref not available\"}"
  fi
  for method in pgd-at float oat; do
    node packages/eval/bin/float.js bench --workload "$1" --batch-size "$2" --method "$method" --json
  done
done
