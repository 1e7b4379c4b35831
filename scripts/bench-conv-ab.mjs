// Kernel-only convolution timings of two or more builds of the native addon, alternating in one process: the
// addon is called straight on preallocated arrays (no tfjs, no allocation), so a kernel change shows even when
// the machine drifts. Each case runs forward, input gradient and filter gradient at batch 64; the median of
// 15 rounds of 10 calls per addon is printed as one JSON line.
// Needs `npm run build`. Usage: node scripts/bench-conv-ab.mjs A.node B.node …
//   CASES="hw,in,out,k,stride;…" (default: ResNet-20's three stages, its stem and a stride-2 layer),
//   FLOAT_NATIVE_ISA (default: the best this CPU runs), FLOAT_NATIVE_WINOGRAD=off (the direct form), THREADS
//   (default 2).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { packGeometry } from '../packages/native-kernels/dist/index.js';

const require = createRequire(import.meta.url);
const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node scripts/bench-conv-ab.mjs A.node [B.node …]');
  process.exit(2);
}
const addons = paths.map((p) => require(resolve(p)));
const isa = process.env.FLOAT_NATIVE_ISA;
for (const k of addons) {
  if (isa && !k.setIsa(isa)) throw new Error(`FLOAT_NATIVE_ISA: this CPU does not run ${isa}`);
  k.setThreads(Number(process.env.THREADS ?? 2));
  k.setWinograd(process.env.FLOAT_NATIVE_WINOGRAD !== 'off');
}
const cases = (process.env.CASES ?? '32,16,16,3,1;16,32,32,3,1;8,64,64,3,1;32,3,16,3,1;32,16,32,3,2').split(';').map((s) => s.split(',').map(Number));
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const random = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const ms = {};
for (const [hw, ci, co, k, s] of cases) {
  const pad = (k - 1) >> 1, out = Math.floor((hw + 2 * pad - k) / s) + 1;
  const g = packGeometry({ batch: 64, inHeight: hw, inWidth: hw, inChannels: ci, outHeight: out, outWidth: out, outChannels: co, filterHeight: k, filterWidth: k, strideHeight: s, strideWidth: s, dilationHeight: 1, dilationWidth: 1, padTop: pad, padLeft: pad });
  const x = random(64 * hw * hw * ci), w = random(k * k * ci * co), y = new Float32Array(64 * out * out * co);
  const dy = random(y.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
  const ops = { fwd: (a) => a.conv2d(x, w, null, y, g, 0), dx: (a) => a.conv2dBackpropInput(dy, w, dx, g), dw: (a) => a.conv2dBackpropFilter(x, dy, dw, g) };
  for (const [name, run] of Object.entries(ops)) {
    const times = addons.map(() => []);
    for (const a of addons) for (let i = 0; i < 5; i++) run(a);
    for (let r = 0; r < 15; r++)
      addons.forEach((a, j) => {
        const t = performance.now();
        for (let i = 0; i < 10; i++) run(a);
        times[j].push((performance.now() - t) / 10);
      });
    ms[`${hw}x${hw}x${ci}->${co} k${k} s${s} ${name}`] = times.map((t) => +median(t).toFixed(3));
  }
}
const cpu = (await import('node:fs')).readFileSync('/proc/cpuinfo', 'utf8');
const field = (f) => cpu.match(new RegExp(`^${f}\\s*: (.*)$`, 'm'))?.[1];
console.log(JSON.stringify({ cpu: `${field('model name')} family ${field('cpu family')} model ${field('model')}`, isa: addons[0].isa(), threads: addons[0].threads(), winograd: addons[0].winograd(), addons: paths, ms }));
