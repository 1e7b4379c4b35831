// Reads a bench-sitting log (JSON lines) and prints Markdown tables: images/s per workload and
// implementation (every run and the median) with the ratio of medians to PyTorch, and conv throughput.
// Usage: node scripts/bench-summary.mjs LOG
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: node scripts/bench-summary.mjs LOG');
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const label = (r) => {
  if (r.impl === 'pytorch-cpu') return `PyTorch ${r.torch} (${r.threads} threads${r.onednn_isa ? `, oneDNN ${r.onednn_isa}` : ''})`;
  const kernels = r.native ? `native ${r.native.isa}, ${r.native.threads} thr${r.native.winograd === false ? ', direct 3×3' : ''}` : `wasm XNNPACK, ${r.threads} thr`;
  return `floatjs \`${r.method}\` (${kernels})`;
};
const runs = lines.filter((r) => r.images_per_s !== undefined);
for (const workload of [...new Set(runs.map((r) => r.workload))]) {
  const rows = new Map();
  for (const r of runs.filter((x) => x.workload === workload)) {
    const key = label(r);
    if (!rows.has(key)) rows.set(key, { batch: r.batch, values: [], steps: [] });
    rows.get(key).values.push(r.images_per_s);
    rows.get(key).steps.push(r.step_ms_median);
  }
  const torch = [...rows.entries()].find(([k]) => k.startsWith('PyTorch'));
  const ref = torch ? median(torch[1].values) : undefined;
  console.log(`\n### ${workload}, batch ${[...rows.values()][0].batch}\n`);
  console.log(`| implementation | images/s, each run | median | step ms (median) | ratio to ${torch ? torch[0] : 'PyTorch'} |`);
  console.log('|---|---|---|---|---|');
  for (const [key, { values, steps }] of rows) {
    const m = median(values);
    console.log(`| ${key} | ${values.map((v) => v.toFixed(1)).join(', ')} | ${m.toFixed(1)} | ${median(steps).toFixed(0)} | ${ref ? `${(m / ref).toFixed(2)}×` : '–'} |`);
  }
}
const convs = lines.filter((r) => r.gflops !== undefined);
if (convs.length) {
  console.log('\n### Forward 3×3 convolutions of ResNet-20, batch 64 (median of 20)\n');
  console.log('| layer | implementation | ms | GFLOP/s |');
  console.log('|---|---|---|---|');
  for (const r of convs) {
    const impl = r.impl === 'pytorch-cpu' ? `PyTorch (${r.threads} thr)` : r.native ? `floatjs native ${r.native.isa} (${r.native.threads} thr${r.native.winograd === false ? ', direct' : ''})` : `floatjs XNNPACK (${r.threads} thr)`;
    console.log(`| ${r.shape.join('×')} | ${impl} | ${r.ms} | ${r.gflops} |`);
  }
}
