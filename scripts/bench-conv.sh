#!/usr/bin/env bash
# Convolution throughput, the bound on a PGD step: the forward 3×3 convolutions of ResNet-20's three stages
# at batch 64, in PyTorch (Debian's python3-torch, all cores) and in floatjs (FLOAT_THREADS, default all cores:
# the native kernels, then XNNPACK). Median of 20 runs each, without reading the output back; prints one JSON line per layer and
# implementation.
# Needs `npm run build` first. Usage: bash scripts/bench-conv.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHAPES='[[32,16],[16,32],[8,64]]'
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  /usr/bin/python3 - "$SHAPES" <<'PY'
import json, os, statistics, sys, time
import torch, torch.nn.functional as F
torch.set_num_threads(os.cpu_count())
for hw, c in json.loads(sys.argv[1]):
    x = torch.rand(64, c, hw, hw); w = torch.rand(c, c, 3, 3)
    with torch.no_grad():
        for _ in range(3): F.conv2d(x, w, padding=1)
        ts = []
        for _ in range(20):
            t = time.perf_counter(); F.conv2d(x, w, padding=1); ts.append(time.perf_counter() - t)
    ms = statistics.median(ts) * 1000
    print(json.dumps(dict(impl='pytorch-cpu', threads=torch.get_num_threads(), shape=[64, hw, hw, c, c], ms=round(ms, 2), gflops=round(2 * 64 * hw * hw * c * c * 9 / ms / 1e6, 1))))
PY
fi
# floatjs three times: the native kernels (Winograd for these layers), the native direct form
# (FLOAT_NATIVE_WINOGRAD=off) and XNNPACK (FLOAT_NATIVE=off).
for mode in "auto on" "auto off" "off on"; do
set -- $mode
FLOAT_NATIVE=$1 FLOAT_NATIVE_WINOGRAD=$2 node --input-type=module -e "
const tf = await import('@tensorflow/tfjs-core');
const { selectBackend } = await import('./packages/backend/dist/index.js');
const b = await selectBackend(process.env.FLOAT_BACKEND);
for (const [hw, c] of $SHAPES) {
  const x = tf.randomUniform([64, hw, hw, c]); const w = tf.randomUniform([3, 3, c, c]);
  for (let i = 0; i < 3; i++) tf.conv2d(x, w, 1, 'same').dispose();
  const ts = [];
  // The wasm, cpu and tensorflow backends run kernels synchronously, so the clock stops when conv2d returns;
  // reading the output back (dataSync copies 4 MB out of the wasm heap) is not part of a training step.
  for (let i = 0; i < 20; i++) { const t = performance.now(); const y = tf.conv2d(x, w, 1, 'same'); ts.push(performance.now() - t); y.dispose(); }
  ts.sort((a, b) => a - b); const ms = (ts[9] + ts[10]) / 2;
  console.log(JSON.stringify({ impl: 'floatjs', backend: b.name, threads: b.threads, native: b.native ?? null, shape: [64, hw, hw, c, c], ms: Math.round(ms * 100) / 100, gflops: Math.round(2 * 64 * hw * hw * c * c * 9 / ms / 1e5) / 10 }));
  x.dispose(); w.dispose();
}"
done
