import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, PLUGIN_STATE_KEY, WEIGHTS_FILE } from '@floatjs/checkpoint';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';
import { getExperiment, registerExperiment } from './registry';
import { runExperiment } from './run';
import type { ExperimentReport } from './types';

const dataDir = writeTinyDataset();
const out = join(dataDir, 'slim');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const NAME = 'test-tiny-slim';
registerExperiment({
  name: NAME,
  description: 'fmnist-slim on the tiny preset',
  preset: tinyPreset().name,
  runs: [{ method: 'float-slim' }, { method: 'floats-slim' }, { method: 'oat-slim' }],
  latencyReps: 2,
  latencyWarmup: 1,
});

// cnn-s on 28×28: conv 1→32 (28²), 32→64 (14²), 64→128 (7²), global pooling, dense 128→10; at width 0.5 half
// of every channel axis but the image's and the classes'.
const FULL_FLOPS = 9 * 1 * 32 * 784 + 9 * 32 * 64 * 196 + 9 * 64 * 128 * 49 + 128 * 10;
const HALF_FLOPS = 9 * 1 * 16 * 784 + 9 * 16 * 32 * 196 + 9 * 32 * 64 * 49 + 64 * 10;
const FULL_CONV = 9 * (1 * 32 + 32 * 64 + 64 * 128);
const HALF_CONV = 9 * (1 * 16 + 16 * 32 + 32 * 64);

describe('fmnist-slim', () => {
  it('is registered with FLOAT slim, FLOATS slim and OAT slim on fmnist-quick', () => {
    const e = getExperiment('fmnist-slim');
    expect(e.preset).toBe('fmnist-quick');
    expect(e.runs.map((r) => r.method)).toEqual(['float-slim', 'floats-slim', 'oat-slim']);
  });
});

describe('a slimmable experiment on the tiny preset', () => {
  let r: ExperimentReport;

  it('evaluates every condition at both widths, exports each width-0.5 model and times it', async () => {
    const t0 = performance.now();
    r = await runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seed: 2 });
    expect(performance.now() - t0).toBeLessThan(120_000);
    expect(r.methods.map((m) => m.label)).toEqual(['float-slim', 'floats-slim', 'oat-slim']);
    for (const m of r.methods) {
      const at = (w: number) => m.rows.filter((row) => row.width === w).map((row) => [row.lambda, row.lambdaTh]);
      expect(at(0.5).length).toBeGreaterThan(0);
      expect(at(0.5)).toEqual(at(1));
      expect(m.rows.every((row) => row.ra <= row.ca)).toBe(true);

      const s = m.slim!;
      expect(s.widths).toEqual([1, 0.5]);
      expect(s.narrow).toMatchObject({ width: 0.5, dir: `${m.label}/narrow-0.5`, architecture: 'cnn-s-w0_5', method: { 'float-slim': 'float', 'floats-slim': 'floats-i', 'oat-slim': 'oat' }[m.method] });
      for (const f of ['model.safetensors', 'recipe.json']) expect(existsSync(join(out, s.narrow.dir, f))).toBe(true);
      expect(s.narrow.parityMaxRelErr).toBeLessThan(1e-5);
      expect(m.flops).toBe(FULL_FLOPS);
      expect(s.narrow.flops).toBe(HALF_FLOPS);
      expect(s.potentialSpeedup).toBeCloseTo(FULL_FLOPS / HALF_FLOPS, 12);
      expect(s.narrow.params.trainable).toBeLessThan(m.params.trainable / 3);

      expect(s.latency.map((l) => l.lambda)).toEqual([0, 1]);
      for (const l of s.latency) for (const ms of [l.wideMs, l.wideAtWidthMs, l.narrowMs]) expect(ms).toBeGreaterThan(0);
      expect(m.latency.byLambda.filter((l) => l.width === 0.5).map((l) => l.lambda)).toEqual([0, 1]);
      expect(m.latencyMs).toBe(m.latency.byLambda.find((l) => l.width === 1 && l.lambda === 1)!.medianMs);
    }
    const by = Object.fromEntries(r.methods.map((m) => [m.method, m]));
    // Dense: CR at SF 0.5 is the ratio of kernel sizes; every input channel of the narrow kernels is present.
    const [f1, f5] = by['float-slim'].slim!.table1;
    expect(f1).toMatchObject({ width: 1, density: 1, cr: 1, channelPercent: 100, crf: 1 });
    expect(f5.width).toBe(0.5);
    expect(f5.cr).toBeCloseTo(FULL_CONV / HALF_CONV, 10);
    expect(f5.channelPercent).toBeCloseTo((100 * (1 + 16 + 32)) / (1 + 32 + 64), 10);
    // FLOATS slim: d ≤ 0.3 over the full kernels; the SF 0.5 slice holds fewer nonzeros still.
    const [s1, s5] = by['floats-slim'].slim!.table1;
    expect(s1.density).toBeLessThanOrEqual(0.3);
    expect(s1.density).toBeCloseTo(by['floats-slim'].compression!.density, 12);
    expect(s5.cr).toBeGreaterThan(s1.cr);
    expect(s5.crf).toBeGreaterThanOrEqual(f5.crf - 1e-9);
    // Its sliced masks travel with the export, and are its kernels' zeros.
    const file = join(out, 'floats-slim/narrow-0.5', WEIGHTS_FILE);
    const masks = JSON.parse(decodeSafetensors(readFileSync(file), file).metadata[PLUGIN_STATE_KEY]!)['sparse-momentum'].masks;
    expect(masks.conv2.shape).toEqual([3, 3, 16, 32]);
  }, 180_000);

  it('writes the slim sections, the Fig. 8 plot and the exported model’s latency into the report', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/\| model \| λ \| λ_th \| SF \| BN \|/);
    expect(md).toMatch(/\| float-slim \| 0 \| 0 \| 0\.5 \| clean \|/);
    expect(md).toMatch(/## Slimmable widths \(Fig\. 8\)/);
    expect(md).toMatch(/\| oat-slim \| 0\.5 \| \d+\.\d \| \d+\.\d \|/);
    expect(md).toMatch(/### Model size and speed-up \(Table 1\)/);
    expect(md).toMatch(new RegExp(`\\| floats-slim \\| 0\\.5 \\| 0\\.\\d{3} \\| \\d+\\.\\d{2}× \\| \\d+\\.\\d% \\| \\d\\.\\d{2}× \\| ${(FULL_FLOPS / HALF_FLOPS).toFixed(2)}× \\|`));
    expect(md).toMatch(/### The exported width-0\.5 model/);
    expect(md).toMatch(/\| floats-slim \| `floats-slim\/narrow-0\.5\/` \(`cnn-s-w0_5`\) \| floats-i \|/);
    expect(md).toMatch(/\| float-slim \| 1 \| \d+\.\d{2} \| \d+\.\d{2} \| \d+\.\d{2} \| \d+\.\d{2}× \|/);
    expect(md).toMatch(/SF 0\.5: FLOAT slim − OAT slim CA = /);
    expect(md).toMatch(/the exported SF 0\.5 model runs \d+\.\d{2}× faster than the full width/);

    const spec = JSON.parse(readFileSync(join(out, 'ca-ra.vl.json'), 'utf8'));
    const series = new Set(spec.data.values.map((v: { series: string }) => v.series));
    expect([...series].sort()).toEqual(['FLOAT slim SF 0.5 (λ_th = 0)', 'FLOAT slim SF 1.0 (λ_th = 0)', 'FLOATS slim SF 0.5 (λ_th = 0)', 'FLOATS slim SF 1.0 (λ_th = 0)', 'OAT slim SF 0.5', 'OAT slim SF 1.0']);
    expect(readFileSync(join(out, 'ca-ra.svg'), 'utf8')).toMatch(/Fig\. 8/);
    expect(readFileSync(join(out, 'latency.vl.json'), 'utf8')).toMatch(/exported SF 0\.5 model/);
    const json: ExperimentReport = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(json.methods.every((m) => m.slim !== null)).toBe(true);
  });
});
