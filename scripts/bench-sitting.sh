#!/usr/bin/env bash
# One benchmark sitting as in BENCHMARKS.md. This machine's speed drifts by tens of percent over minutes, so
# PyTorch and floatjs alternate: five rounds, each running the PyTorch reference and `float bench` (pgd-at,
# float) for both workloads back to back, and on resnet20 the same two with the direct 3×3 convolutions
# (FLOAT_NATIVE_WINOGRAD=off: the kernels before Winograd, side by side). Then OAT's step, the wasm-only kernels
# (FLOAT_NATIVE=off), one thread, and the convolution throughput. Every line is JSON; `node
# scripts/bench-summary.mjs LOG` makes the tables.
# Needs `npm run build`. Usage: bash scripts/bench-sitting.sh | tee LOG
set -uo pipefail
cd "$(dirname "$0")/.."
ref=${PYTORCH_REFERENCE:-../shared/bench/pytorch_reference.py}
py=${PYTHON:-/usr/bin/python3}
rounds=${ROUNDS:-5}
torch_ok=false
if [ -f "$ref" ] && $py -c "import torch" 2>/dev/null; then torch_ok=true; fi
bench() { node packages/eval/bin/float.js bench --json "$@" 2>/dev/null; }
# An AVX2-only machine, simulated on one with AVX-512 (FLOAT_NATIVE_ISA=avx2): PyTorch's oneDNN is held to AVX2
# as well, as it would be there (its ATen kernels are AVX2 in Debian's build either way). PYTORCH_ISA overrides.
torch_isa=${PYTORCH_ISA:-}
if [ -z "$torch_isa" ] && [ "${FLOAT_NATIVE_ISA:-}" = avx2 ]; then torch_isa=AVX2; fi
held=(env ${torch_isa:+ONEDNN_MAX_CPU_ISA=$torch_isa})
# With a held ISA, the unrestricted PyTorch runs too (second, tagged), so both figures are in the log; ratios use the first.
tag() { sed "s/^{/{\"onednn_isa\": \"$1\", /"; }
torch_ref() {
  if [ -z "$torch_isa" ]; then "$py" "$ref" "$@"; return; fi
  "${held[@]}" "$py" "$ref" "$@" | tag "$torch_isa"
  "$py" "$ref" "$@" | tag auto
}
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)
fam=$(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs); model=$(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs)
avx512=$(grep -qw avx512f /proc/cpuinfo && echo true || echo false)
echo "{\"event\":\"start\",\"at\":\"$(date -Is)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"commit\":\"$(git rev-parse --short HEAD)\",\"cpu\":\"$cpu family $fam model $model\",\"cpu_avx512\":$avx512,\"float_native_isa\":\"${FLOAT_NATIVE_ISA:-auto}\",\"pytorch_onednn_max_isa\":\"${torch_isa:-auto}\"}"
for round in $(seq "$rounds"); do
  for spec in "resnet20-pgd7 64" "cnn-s-pgd7 128"; do
    set -- $spec
    if $torch_ok; then torch_ref --workload "$1" --batch "$2"; fi
    for method in pgd-at float; do
      bench --workload "$1" --batch-size "$2" --method "$method"
      # cnn-s has no 3×3 stride-1 layer of 16 or more channels: Winograd never runs there.
      if [ "$1" = resnet20-pgd7 ]; then FLOAT_NATIVE_WINOGRAD=off bench --workload "$1" --batch-size "$2" --method "$method"; fi
    done
  done
done
for spec in "resnet20-pgd7 64" "cnn-s-pgd7 128"; do
  set -- $spec
  bench --workload "$1" --batch-size "$2" --method oat
  for method in pgd-at float; do FLOAT_NATIVE=off bench --workload "$1" --batch-size "$2" --method "$method"; done
  FLOAT_THREADS=1 bench --workload "$1" --batch-size "$2" --method pgd-at
done
"${held[@]}" bash scripts/bench-conv.sh 2>/dev/null
echo "{\"event\":\"end\",\"at\":\"$(date -Is)\"}"
