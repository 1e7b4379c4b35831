// Per-layer convolution throughput on the addon alone: forward, input gradient and filter gradient of every
// distinct convolution in ResNet-20 (batch 64) and cnn-s (batch 128), hot caches, median of `--runs`.
// Prints one JSON line per layer and pass, then one line per workload with the conv time of one PGD-7
// `pgd-at` step (8 forwards, 8 input gradients but the stem's in training, 1 filter gradient per layer).
// Needs `npm run build` in this package. Usage: node scripts/bench-layers.mjs [--isa avx2] [--threads N] [--runs 15]
import { availableParallelism } from 'node:os';
import { loadNativeKernels, packGeometry } from '../dist/index.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(flag('--runs', 15));
const load = loadNativeKernels();
if (!load.ok) {
  console.error(`bench-layers: ${load.reason}`);
  process.exit(1);
}
const k = load.kernels;
k.setThreads(Number(flag('--threads', availableParallelism())));
const isa = flag('--isa');
if (isa && !k.setIsa(isa)) {
  console.error(`--isa: this CPU or build has no "${isa}" kernels`);
  process.exit(1);
}

// [name, batch, size, inChannels, outChannels, kernel, stride, count per forward]
const WORKLOADS = {
  'resnet20-pgd7': [
    ['stem', 64, 32, 3, 16, 3, 1, 1],
    ['s1', 64, 32, 16, 16, 3, 1, 6],
    ['s2-down', 64, 32, 16, 32, 3, 2, 1],
    ['s2-short', 64, 32, 16, 32, 1, 2, 1],
    ['s2', 64, 16, 32, 32, 3, 1, 5],
    ['s3-down', 64, 16, 32, 64, 3, 2, 1],
    ['s3-short', 64, 16, 32, 64, 1, 2, 1],
    ['s3', 64, 8, 64, 64, 3, 1, 5],
  ],
  'cnn-s-pgd7': [
    ['conv1', 128, 28, 1, 32, 3, 1, 1],
    ['conv2', 128, 28, 32, 64, 3, 2, 1],
    ['conv3', 128, 14, 64, 128, 3, 2, 1],
  ],
};

function geometry(batch, size, inC, outC, kernel, stride) {
  const pad = kernel === 3 ? 1 : 0;
  const out = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  return {
    batch, inHeight: size, inWidth: size, inChannels: inC, outHeight: out, outWidth: out, outChannels: outC,
    filterHeight: kernel, filterWidth: kernel, strideHeight: stride, strideWidth: stride, dilationHeight: 1,
    dilationWidth: 1, padTop: pad, padLeft: pad,
  };
}

function median(f) {
  for (let i = 0; i < 3; i++) f();
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

const random = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
for (const [workload, layers] of Object.entries(WORKLOADS)) {
  let stepMs = 0;
  for (const [name, batch, size, inC, outC, kernel, stride, count] of layers) {
    const g = geometry(batch, size, inC, outC, kernel, stride);
    const geo = packGeometry(g);
    const x = random(batch * size * size * inC);
    const w = random(kernel * kernel * inC * outC);
    const y = new Float32Array(batch * g.outHeight * g.outWidth * outC);
    const dy = random(y.length);
    const dx = new Float32Array(x.length);
    const dw = new Float32Array(w.length);
    const flop = 2 * batch * g.outHeight * g.outWidth * outC * inC * kernel * kernel;
    const ms = {
      forward: median(() => k.conv2d(x, w, null, y, geo, 1)),
      input: median(() => k.conv2dBackpropInput(dy, w, dx, geo)),
      filter: median(() => k.conv2dBackpropFilter(x, dy, dw, geo)),
    };
    for (const [pass, t] of Object.entries(ms))
      console.log(JSON.stringify({ workload, layer: name, pass, isa: k.isa(), threads: k.threads(), ms: +t.toFixed(3), gflops: +(flop / t / 1e6).toFixed(1) }));
    const stem = name === 'stem' || name === 'conv1';
    stepMs += count * (8 * ms.forward + (stem ? 7 : 8) * ms.input + ms.filter);
  }
  console.log(JSON.stringify({ workload, isa: k.isa(), threads: k.threads(), pgd_at_step_conv_ms: +stepMs.toFixed(1) }));
}
