#!/usr/bin/env bash
# Two builds of the native addon side by side: each round runs the PyTorch reference, then `float bench` with
# addon A, then with addon B (copied over the compiled one in turn), one workload and method, and prints the
# JSON lines tagged "addon": "A" / "B" / "pytorch". The compiled addon is restored at the end. For a kernel
# change whose effect is smaller than this machine's drift between sittings.
# Usage: bash scripts/bench-addon-ab.sh A.node B.node [workload] [batch] [method]   (ROUNDS, default 5)
set -uo pipefail
cd "$(dirname "$0")/.."
a=${1:?usage: bench-addon-ab.sh A.node B.node [workload] [batch] [method]}
b=${2:?usage: bench-addon-ab.sh A.node B.node [workload] [batch] [method]}
workload=${3:-cnn-s-pgd7}; batch=${4:-128}; method=${5:-pgd-at}
ref=${PYTORCH_REFERENCE:-../shared/bench/pytorch_reference.py}
py=${PYTHON:-/usr/bin/python3}
dst=packages/native-kernels/build/Release/floatjs_native.node
for f in "$a" "$b" "$dst"; do [ -f "$f" ] || { echo "bench-addon-ab: $f: no such file" >&2; exit 2; }; done
keep=$(mktemp); cp "$dst" "$keep"; trap 'cp "$keep" "$dst"; rm -f "$keep"' EXIT
tag() { sed "s/^{/{\"addon\": \"$1\", /"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)
fam=$(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs); model=$(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "{\"event\":\"start\",\"at\":\"$(date -Is)\",\"commit\":\"$(git rev-parse --short HEAD)\",\"cpu\":\"$cpu family $fam model $model\",\"cpu_avx512\":$(grep -qw avx512f /proc/cpuinfo && echo true || echo false),\"a\":\"$a\",\"b\":\"$b\",\"workload\":\"$workload\",\"batch\":$batch,\"method\":\"$method\"}"
for round in $(seq "${ROUNDS:-5}"); do
  if [ -f "$ref" ]; then "$py" "$ref" --workload "$workload" --batch "$batch" | tag pytorch; fi
  for side in A B; do
    if [ $side = A ]; then cp "$a" "$dst"; else cp "$b" "$dst"; fi
    node packages/eval/bin/float.js bench --json --workload "$workload" --batch-size "$batch" --method "$method" 2>/dev/null | tag $side
  done
done
echo "{\"event\":\"end\",\"at\":\"$(date -Is)\"}"
