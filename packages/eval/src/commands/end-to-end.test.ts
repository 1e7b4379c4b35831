import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runEval } from './evaluate';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset();
const out = join(dataDir, 'run-float');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('float train + float eval on a tiny dataset', () => {
  it('trains, checkpoints, and evaluates every condition, attacking duplicates once', async () => {
    const preset = tinyPreset();
    const summary = await runTrain({ preset: preset.name, method: 'float', out, dataDir, verify: false, quiet: true, seed: 3 });
    expect(summary.epochs).toBe(1);
    expect(summary.trainImages).toBe(64);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    for (const f of ['model.safetensors', 'recipe.json', 'summary.json', 'train-log.jsonl']) expect(existsSync(join(out, f))).toBe(true);
    const recipe = JSON.parse(readFileSync(join(out, 'recipe.json'), 'utf8'));
    expect(recipe.plugins.map((p: { name: string }) => p.name)).toEqual(['float-noise', 'dual-norm', 'float-loss']);

    const before = tf.memory().numTensors;
    const report = await runEval(out, { dataDir, verify: false, quiet: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.rows).toHaveLength(8);
    expect(report.rows.filter((r) => r.sameAs)).toHaveLength(2);
    for (const r of report.rows) {
      expect(r.ra).toBeLessThanOrEqual(r.ca);
      expect(r.attack).toBe('pgd-3');
      expect(r.eot).toBe(r.randomized ? 2 : 1);
    }
    const json = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
    expect(json.rows).toHaveLength(8);
    // Provenance: the evaluated weights' hash, the seed and the versions, in the report and the training summary.
    const weightsHash = createHash('sha256').update(readFileSync(join(out, 'model.safetensors'))).digest('hex');
    expect(json.provenance).toMatchObject({ seed: 3, weightsSha256: weightsHash });
    expect(json.provenance.packages['@floatjs/eval']).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.provenance).toMatchObject({ seed: 3, weightsSha256: weightsHash });
  }, 120_000);

  it('gives the same evaluation twice (seeded attacks and noise)', async () => {
    const a = await runEval(out, { dataDir, verify: false, quiet: true, lambdas: [0.7], lambdaThs: [0], json: join(out, 'a.json') });
    const b = await runEval(out, { dataDir, verify: false, quiet: true, lambdas: [0.7], lambdaThs: [0], json: join(out, 'b.json') });
    expect(a.rows.map((r) => [r.ca, r.ra])).toEqual(b.rows.map((r) => [r.ca, r.ra]));
  }, 60_000);

  it('writes the report to standard output with --json - (no file named "-")', async () => {
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    try {
      await runEval(out, { dataDir, verify: false, quiet: true, lambdas: [0], lambdaThs: [0], limit: 20, json: '-', keepExisting: true });
    } finally {
      spy.mockRestore();
    }
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).rows).toHaveLength(1);
    expect(existsSync('-')).toBe(false);
    expect(existsSync(join(out, '-'))).toBe(false);
  }, 60_000);

  it('takes the threat model, seed and batch size from options (--eps, --seed, --batch-size)', async () => {
    const base = { dataDir, verify: false, quiet: true, lambdas: [0], lambdaThs: [0], limit: 20 };
    const none = await runEval(out, { ...base, eps: 0, json: join(out, 'eps0.json') });
    // ε = 0 leaves nothing to perturb: every clean-correct point stays robust.
    expect(none.attack).toMatchObject({ eps: 0, stepSize: 0 });
    expect(none.rows[0]!.ra).toBe(none.rows[0]!.ca);
    const big = await runEval(out, { ...base, eps: 0.3, steps: 5, seed: 11, batchSize: 7, json: join(out, 'eps3.json') });
    expect(big.attack).toMatchObject({ eps: 0.3, steps: 5, stepSize: (2.5 * 0.3) / 5 });
    expect(big.provenance?.seed).toBe(11);
    expect(big.rows[0]!.ca).toBe(none.rows[0]!.ca);
  }, 60_000);

  it('refuses a one-draw attack on a randomized condition unless told otherwise', async () => {
    const opts = { dataDir, verify: false, quiet: true, lambdas: [0.7], lambdaThs: [0], eot: 1, limit: 20, json: join(out, 'det.json') };
    await expect(runEval(out, opts)).rejects.toThrow(/--eot: condition λ=0.7 λ_th=0 is randomized .* use --eot 2 or more, or --allow-deterministic/);
    const r = await runEval(out, { ...opts, allowDeterministic: true });
    expect(r.rows[0]).toMatchObject({ randomized: true, eot: 1 });
  }, 60_000);

  it('refuses a randomized condition before attacking any other condition', async () => {
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
      const opts = { dataDir, verify: false, lambdas: [0, 0.7], lambdaThs: [0], limit: 20, attack: 'autoattack-standard', json: join(out, 'aa.json') };
      await expect(runEval(out, opts)).rejects.toThrow(/--attack: condition λ=0.7 λ_th=0 is randomized/);
    } finally {
      spy.mockRestore();
    }
    expect(stderr).not.toMatch(/attacking/);
    expect(existsSync(join(out, 'aa.json'))).toBe(false);
  }, 60_000);

  it('rejects a corrupt checkpoint with an error naming the file', async () => {
    const weights = join(out, 'model.safetensors');
    const bytes = readFileSync(weights);
    writeFileSync(weights, bytes.subarray(0, bytes.length - 100));
    await expect(runEval(out, { dataDir, verify: false, quiet: true })).rejects.toThrow(/model\.safetensors: corrupt safetensors file/);
  }, 30_000);
});
