import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';
import { getExperiment, registerExperiment } from './registry';
import { trainedRun } from './reuse';
import { runExperiment } from './run';
import type { ExperimentReport } from './types';

const dataDir = writeTinyDataset();
const out = join(dataDir, 'compress');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const NAME = 'test-tiny-compress';
registerExperiment({
  name: NAME,
  description: 'fmnist-compress on the tiny preset',
  preset: tinyPreset().name,
  runs: [{ method: 'float' }, { method: 'floats-i' }, { method: 'floats-c' }],
  compression: {},
  latencyReps: 2,
  latencyWarmup: 1,
});

describe('fmnist-compress', () => {
  it('is registered with FLOAT, FLOATS-i and FLOATS-c on fmnist-quick', () => {
    const e = getExperiment('fmnist-compress');
    expect(e.preset).toBe('fmnist-quick');
    expect(e.runs.map((r) => r.method)).toEqual(['float', 'floats-i', 'floats-c']);
    expect(e.compression).toBeDefined();
  });
});

describe('a compression experiment on the tiny preset', () => {
  let first: ExperimentReport;

  it('reports d, CR, CRF and sparse8 sizes measured from the weights, with a heat map', async () => {
    first = await runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seed: 5 });
    const by = Object.fromEntries(first.methods.map((m) => [m.label, m]));
    const dense = by.float.compression!;
    expect(dense.density).toBe(1);
    const irregular = by['floats-i'].compression!;
    const channel = by['floats-c'].compression!;
    // Budget ⌊0.3·Σ size⌋ nonzeros at most; a kept weight is never exactly 0 after training.
    const size = irregular.layers.reduce((a, l) => a + l.size, 0);
    expect(irregular.layers.reduce((a, l) => a + l.nnz, 0)).toBeLessThanOrEqual(Math.floor(0.3 * size));
    expect(irregular.density).toBeGreaterThan(0.29);
    expect(irregular.cr).toBeCloseTo(1 / irregular.density, 10);
    expect(channel.density).toBeLessThanOrEqual(0.3 + 1e-9);
    // Channel pruning removes whole input channels; irregular pruning at d = 0.3 keeps nearly all of them.
    expect(channel.channelPercent).toBeLessThan(irregular.channelPercent);
    expect(channel.crf).toBeGreaterThan(1);
    for (const c of [irregular, channel]) expect(c.modelSparse8Bytes).toBeLessThan(dense.modelSparse8Bytes);

    const h = first.heatmap!;
    expect(h.layer).toBe('conv3');
    expect(h.models.map((m) => m.label)).toEqual(['float', 'floats-i', 'floats-c']);
    expect(h.models[0].values).toHaveLength(h.rows * h.cols);
    expect(h.models[2].channelDensity).toBeCloseTo(channel.layers.find((l) => l.name === 'conv3')!.channelDensity, 10);
    expect(first.plots).toContain('heatmap.png');
    expect(readFileSync(join(out, 'heatmap.svg'), 'utf8')).toMatch(/Weight magnitudes of conv3/);

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/## Model size \(Table 1\)/);
    expect(md).toMatch(/\| floats-i \| 0\.\d{3} \| \d+\.\d{2}× \|/);
    expect(md).toMatch(/floats-i at λ = 1 vs dense FLOAT: CA [+-]\d/);
    expect(md).toMatch(/### Per-layer density/);
  }, 180_000);

  it('reuses finished runs and evaluations on a second invocation, with the same figures', async () => {
    const t0 = performance.now();
    const again = await runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seed: 5 });
    expect(again.notes.filter((n) => /^Reused the finished training run/.test(n))).toHaveLength(3);
    expect(again.notes.filter((n) => /^Reused the evaluation/.test(n))).toHaveLength(3);
    // Reused runs' wall times come from another sitting: the report says so next to the time ratios.
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/Caution on training time: some runs were reused/);
    expect(again.methods.map((m) => m.rows)).toEqual(first.methods.map((m) => m.rows));
    expect(again.methods.map((m) => m.compression)).toEqual(first.methods.map((m) => m.compression));
    expect(performance.now() - t0).toBeLessThan(30_000);
  }, 60_000);

  it('resumes a run whose summary is missing instead of training it again', async () => {
    const dir = join(out, 'floats-c');
    unlinkSync(join(dir, 'summary.json'));
    expect(trainedRun(dir, { method: 'floats-c', methodOptions: {}, preset: tinyPreset().name, seed: 5, epochs: 1 }).state).toBe('resumable');
    const r = await runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seed: 5 });
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
    expect(r.notes.some((n) => n.includes('floats-c/ (its summary'))).toBe(false);
    expect(r.methods.find((m) => m.label === 'floats-c')!.compression).toEqual(first.methods.find((m) => m.label === 'floats-c')!.compression);
  }, 60_000);

  it('refuses to overwrite a directory that holds a different run', async () => {
    const dir = join(out, 'floats-i');
    expect(() => trainedRun(dir, { method: 'floats-i', methodOptions: {}, preset: tinyPreset().name, seed: 6, epochs: 1 })).toThrow(/holds a different run \(seed=5; this experiment needs seed=6\)/);
    await expect(runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seed: 6 })).rejects.toThrow(/compress\/float holds a different run/);
    writeFileSync(join(dir, 'recipe.json'), '{');
    expect(() => trainedRun(dir, { method: 'floats-i', methodOptions: {}, preset: tinyPreset().name, seed: 5, epochs: 1 })).toThrow(/recipe\.json: not readable JSON/);
  });
});
