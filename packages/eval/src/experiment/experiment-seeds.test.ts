import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methodNames } from '../recipes/methods';
import { runCli } from '../test-utils/run-cli';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';
import { getExperiment, OAT_PAPER_LAMBDAS, registerExperiment } from './registry';
import { renderReport } from './report-files';
import { runExperiment } from './run';
import { stat } from './seeds';
import type { ExperimentReport } from './types';

const dataDir = writeTinyDataset();
const out = join(dataDir, 'seeds');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const NAME = 'test-tiny-seeds';
registerExperiment({
  name: NAME,
  description: 'fmnist-compare’s protocol on the tiny preset: FLOAT, OAT with the paper’s λ set, PGD-AT at λ = 1',
  preset: tinyPreset().name,
  runs: getExperiment('fmnist-compare').runs.filter((r) => r.method !== 'pgd-at' || r.lambda === 1),
  latencyReps: 2,
  latencyWarmup: 1,
});
const oat = methodNames().includes('oat');
const labels = ['float', ...(oat ? ['oat'] : []), 'pgd-at-1'];
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('fmnist-compare follows the paper’s OAT protocol', () => {
  it('trains OAT with λ ∈ {0, 0.2, 0.7, 1} and keeps OAT’s default set as the named variant oat-default', () => {
    expect(getExperiment('fmnist-compare').runs.find((r) => r.method === 'oat')!.methodOptions).toEqual({ lambdas: [0, 0.2, 0.7, 1] });
    const variants = getExperiment('fmnist-oat-lambdas').runs;
    expect(variants.map((r) => [r.label ?? r.method, r.methodOptions])).toEqual([
      ['oat', { lambdas: [0, 0.2, 0.7, 1] }],
      ['oat-default', { lambdas: [0, 0.1, 0.2, 0.3, 0.4, 1] }],
    ]);
  });
});

describe('float experiment with several seeds on a tiny preset', () => {
  let first: ExperimentReport;

  it('trains and evaluates every run once per seed in seed-<n>/<run>/ and reports mean ± std across seeds', async () => {
    first = await runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seeds: [1, 2] });
    expect(first.seeds).toEqual([1, 2]);
    expect(first.layout).toBe('per-seed');
    expect(first.methods.map((m) => `${m.seed}/${m.label}`)).toEqual([1, 2].flatMap((s) => labels.map((l) => `${s}/${l}`)));
    for (const m of first.methods) {
      expect(m.dir).toBe(`seed-${m.seed}/${m.label}`);
      const recipe = readJson<{ seed: number; methodOptions: Record<string, unknown> }>(join(out, m.dir, 'recipe.json'));
      expect(recipe.seed).toBe(m.seed);
      expect(existsSync(join(out, m.dir, 'eval.json'))).toBe(true);
      if (m.method === 'oat') {
        // The paper's set is what OAT was trained with, and it is evaluated at every λ FLOAT is.
        expect(recipe.methodOptions).toEqual({ lambdas: [...OAT_PAPER_LAMBDAS] });
        expect(m.rows.map((r) => r.lambda)).toEqual(tinyPreset().eval.lambdas);
      }
    }
    // Two seeds train two different models.
    const float = first.methods.filter((m) => m.label === 'float');
    expect(readFileSync(join(out, float[0].dir, 'model.safetensors')).equals(readFileSync(join(out, float[1].dir, 'model.safetensors')))).toBe(false);

    // Every aggregated cell is the mean ± sample std of the per-seed values.
    const json = readJson<ExperimentReport>(join(out, 'report.json'));
    expect(json.version).toBe(2);
    expect(json.acrossSeeds.map((a) => a.label)).toEqual(labels);
    for (const a of json.acrossSeeds) {
      const runs = json.methods.filter((m) => m.label === a.label);
      expect(a.seeds).toEqual([1, 2]);
      for (const [i, row] of a.rows.entries()) {
        const per = runs.map((m) => m.rows[i]);
        expect(per.map((p) => [p.lambda, p.lambdaTh])).toEqual([[row.lambda, row.lambdaTh], [row.lambda, row.lambdaTh]]);
        expect(row.ca.values).toEqual(per.map((p) => p.ca));
        expect(row.ra.mean).toBeCloseTo((per[0].ra + per[1].ra) / 2, 10);
        expect(row.ra.std).toBeCloseTo(Math.abs(per[0].ra - per[1].ra) / Math.SQRT2, 10);
      }
      expect(a.secondsPerEpoch.mean).toBeCloseTo(stat(runs.map((m) => m.secondsPerEpoch)).mean, 10);
    }
    const pgd = json.families.find((f) => f.method === 'pgd-at')!;
    expect(pgd.seeds).toBe(2);
    expect(pgd.secondsPerEpochStd).toBeCloseTo(stat(json.methods.filter((m) => m.method === 'pgd-at').map((m) => m.secondsPerEpoch)).std, 10);

    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/seeds 1, 2 \(every run trained and evaluated once per seed/);
    expect(md).toMatch(/## Clean and robust accuracy \(%\), mean ± std across 2 seeds/);
    expect(md).toMatch(/### Per seed/);
    const f0 = json.acrossSeeds[0].rows[0];
    expect(md).toContain(`| float | 0 | 0 | 1.0 | ${f0.norm} | 0.00 | ${f0.ca.mean.toFixed(1)} ± ${f0.ca.std.toFixed(1)} | ${f0.ra.mean.toFixed(1)} ± ${f0.ra.std.toFixed(1)} | – | 2 |`);
    expect(md).toMatch(/\| float \| 1 \| 0 \| 0 \|/);
    expect(md).toMatch(/\| pgd-at-1 \| 2 \| 1 \|/);
    expect(md).toMatch(/RA at λ = 1: FLOAT [\d.]+ ± [\d.]+ vs PGD-AT \(λ = 1\) [\d.]+ ± [\d.]+: [+-][\d.]+ ± [\d.]+ points \(± standard error across 2 seeds\)/);
    if (oat) expect(md).toMatch(/- λ = 0\.7, FLOAT \(λ_th = 0\) − OAT: CA /);

    // Plots: error bars (± std across seeds) on the CA–RA points, the training-time totals and the latencies.
    const caRa = readJson<{ layer: Array<{ mark: { type: string } | string; encoding?: Record<string, { field?: string }> }> }>(join(out, 'ca-ra.vl.json'));
    const fields = caRa.layer.filter((l) => typeof l.mark === 'object' && l.mark.type === 'rule').map((l) => [l.encoding!.x.field, l.encoding!.x2?.field ?? l.encoding!.y2?.field]);
    expect(fields).toEqual([
      ['caLo', 'caHi'],
      ['ca', 'raHi'],
    ]);
    expect(readFileSync(join(out, 'ca-ra.svg'), 'utf8')).toMatch(/bars: ± 1 std across seeds/);
    expect(readFileSync(join(out, 'train-time.svg'), 'utf8')).toMatch(/± 1 std across seeds/);
    expect(readFileSync(join(out, 'latency.svg'), 'utf8')).toMatch(/± 1 std across seeds/);
    for (const p of ['ca-ra', 'train-time', 'storage', 'delay', 'latency']) expect(statSync(join(out, `${p}.png`)).size).toBeGreaterThan(5000);
  }, 240_000);

  it('reuses every finished seed when seeds are added, and trains only the new one', async () => {
    const again = await runExperiment(NAME, { out, dataDir, verify: false, quiet: true, seeds: [1, 2, 3] });
    const reused = again.notes.filter((n) => /^Reused the finished training run/.test(n));
    expect(reused).toEqual([1, 2].flatMap((s) => labels.map((l) => `Reused the finished training run in seed-${s}/${l}/ (its summary.json).`)));
    expect(existsSync(join(out, 'seed-3', 'float', 'summary.json'))).toBe(true);
    // Seeds 1 and 2 give the same figures as before.
    const old = (r: ExperimentReport) => r.methods.filter((m) => m.seed < 3).map((m) => m.rows);
    expect(old(again)).toEqual(old(first));
    expect(again.acrossSeeds[0].rows[0].ca.n).toBe(3);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/mean ± std across 3 seeds/);
  }, 240_000);

  it('re-makes report.md and the plots from report.json alone', async () => {
    const before = readFileSync(join(out, 'report.md'), 'utf8');
    rmSync(join(out, 'report.md'));
    rmSync(join(out, 'ca-ra.png'));
    const r = await renderReport(out);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe(before);
    expect(existsSync(join(out, 'ca-ra.png'))).toBe(true);
    expect(r.seeds).toEqual([1, 2, 3]);
  }, 60_000);
});

describe('float experiment --seeds on the command line', () => {
  it('rejects --seed with --seeds, and a bad list, in one line', async () => {
    const both = await runCli('experiment', NAME, '--out', join(dataDir, 'x'), '--seed', '1', '--seeds', '1,2');
    expect(both.code).toBe(1);
    expect(both.stderr.trim().split('\n')).toHaveLength(1);
    expect(both.stderr).toMatch(/--seeds: give either --seed N \(one seed\) or --seeds A,B,… \(one directory per seed\), not both/);
    const bad = await runCli('experiment', NAME, '--out', join(dataDir, 'x'), '--seeds', '1,x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--seeds expects a number, got "x"/);
  });
});
