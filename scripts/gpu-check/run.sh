#!/usr/bin/env bash
# The first GPU measurement in a few minutes, on an installed tree (after `npm ci && npm run build`, or with
# floatjs installed from npm and `float` on PATH): for each GPU path that can load here, `float bench` on both
# PyTorch-reference workloads (FLOAT and PGD-AT) and a one-epoch fmnist-quick FLOAT training, one JSON line per
# figure on stdout, each naming the backend and whether it really ran on a GPU. Paths that cannot load print
# one line saying why; so does a WebGPU adapter that is a software renderer (Mesa's llvmpipe, SwiftShader),
# unless --allow-cpu asks to measure it anyway. Needs Fashion-MNIST for the training
# (`bash scripts/install-fashion-mnist.sh`).
#   bash scripts/gpu-check/run.sh [--steps N] [--allow-cpu]
set -uo pipefail
cd "$(dirname "$0")/../.."
steps=5
allow_cpu=false
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --allow-cpu) allow_cpu=true; shift ;;
    *) echo "gpu-check: unknown option $1 (expected --steps N, --allow-cpu)" >&2; exit 2 ;;
  esac
done
float=(node packages/eval/dist/cli.js)
[ -f packages/eval/dist/cli.js ] || float=(float)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

line() { node -e 'console.log(JSON.stringify(Object.assign(...process.argv.slice(1).map((a) => JSON.parse(a)))))' "$@"; }

# tensorflow: tfjs-node-gpu (CUDA 11.2 + cuDNN 8.1) or tfjs-node, when the user installed one.
# webgpu: Dawn (npm webgpu) with tfjs-backend-webgpu, when installed; on Vulkan, Metal or D3D12 on a GPU.
for backend in tensorflow webgpu; do
  if ! probe=$("${float[@]}" bench --workload cnn-s-pgd7 --method float --steps 1 --warmup 0 --batch-size 8 --backend "$backend" --json 2>"$out/probe.err"); then
    line "{\"check\":\"gpu\",\"backend\":\"$backend\"}" "{\"skipped\":$(node -e 'console.log(JSON.stringify(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop()))' "$out/probe.err")}"
    continue
  fi
  # The bench line's device record says whether the path really computes on a GPU.
  cpu=$(node -e 'const r = JSON.parse(process.argv[1].trim().split("\n").pop()); console.log(r.device && r.device.gpu === false ? r.device.detail : "")' "$probe")
  if [ -n "$cpu" ] && [ "$allow_cpu" = false ]; then
    line "{\"check\":\"gpu\",\"backend\":\"$backend\"}" "{\"skipped\":$(node -e 'console.log(JSON.stringify(process.argv[1] + " (--allow-cpu measures it anyway)"))' "$cpu")}"
    continue
  fi
  for spec in "cnn-s-pgd7 128" "resnet20-pgd7 64"; do
    set -- $spec
    for method in float pgd-at; do
      r=$("${float[@]}" bench --workload "$1" --batch-size "$2" --method "$method" --steps "$steps" --warmup 2 --backend "$backend" --json 2>/dev/null | tail -n 1)
      [ -n "$r" ] && line '{"check":"bench"}' "$r" || line "{\"check\":\"bench\",\"backend\":\"$backend\",\"workload\":\"$1\",\"method\":\"$method\",\"failed\":true}"
    done
  done
  start=$(date +%s.%N)
  if "${float[@]}" train --preset fmnist-quick --method float --epochs 1 --backend "$backend" --out "$out/$backend" > "$out/$backend.log" 2>&1; then
    secs=$(node -e 'console.log((Date.now() / 1000 - Number(process.argv[1])).toFixed(1))' "$start")
    epoch=$(grep '"event":"epoch"' "$out/$backend.log" | tail -n 1)
    device=$(grep '"event":"backend"' "$out/$backend.log" | head -n 1)
    line '{"check":"train","preset":"fmnist-quick","method":"float","epochs":1}' "{\"backend\":\"$backend\",\"wall_s\":$secs}" "{\"epoch\":${epoch:-null}}" "{\"backend_record\":${device:-null}}"
  else
    line "{\"check\":\"train\",\"backend\":\"$backend\",\"failed\":$(node -e 'console.log(JSON.stringify(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop()))' "$out/$backend.log")}"
  fi
done
