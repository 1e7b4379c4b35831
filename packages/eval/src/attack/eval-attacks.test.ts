import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../commands/evaluate';
import { runTrain } from '../commands/train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';
import { parseAttack } from './eval-attack';

const dataDir = writeTinyDataset(64, 40);
const floatDir = join(dataDir, 'float');
const sourceDir = join(dataDir, 'pgd-at');
const common = { dataDir, verify: false, quiet: true } as const;

beforeAll(async () => {
  await runTrain({ preset: tinyPreset().name, method: 'float', out: floatDir, ...common });
  await runTrain({ preset: tinyPreset().name, method: 'pgd-at', out: sourceDir, ...common });
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('float eval --attack', () => {
  it('parses every documented attack and names them all for an unknown one', () => {
    expect(parseAttack('apgd-t')).toEqual({ kind: 'autoattack', version: 'custom', attacks: ['apgd-t'] });
    expect(parseAttack('autoattack-rand')).toEqual({ kind: 'autoattack', version: 'rand' });
    expect(parseAttack('transfer:/a/b')).toEqual({ kind: 'transfer', sourceDir: '/a/b' });
    expect(() => parseAttack('cw')).toThrow(/unknown attack "cw"; expected one of: pgd, fgsm, apgd-ce.*transfer:DIR/);
  });

  it('autoattack-standard at λ = 0 (deterministic): RA ≤ PGD RA on the same points, robust count never rises', async () => {
    const opts = { ...common, lambdas: [0], lambdaThs: [0], json: join(dataDir, 'e.json') };
    const pgdRow = (await runEval(floatDir, opts)).rows[0];
    const aa = await runEval(floatDir, { ...opts, attack: 'autoattack-standard', aaIter: 10, aaQueries: 50 });
    const row = aa.rows[0];
    expect(row.randomized).toBe(false);
    expect(row.draws).toBe(1);
    expect(row.ca).toBe(pgdRow.ca);
    expect(row.ra).toBeLessThanOrEqual(pgdRow.ra);
    const after = row.autoattack!.robustAccuracyAfter.map((s) => s.robustAccuracy);
    for (let i = 1; i < after.length; i++) expect(after[i]).toBeLessThanOrEqual(after[i - 1]);
    expect(row.autoattack!.log.map((l) => l.attack)).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    expect(row.autoattack!.robustAccuracy).toBeCloseTo(row.ra, 6);
    expect(row.autoattack!.checks.find((c) => c.name === 'perturbation-bound')?.passed).toBe(true);
  }, 180_000);

  it('refuses AutoAttack standard on a randomized condition and points to autoattack-rand', async () => {
    await expect(runEval(floatDir, { ...common, lambdas: [1], lambdaThs: [0], attack: 'autoattack-standard', json: join(dataDir, 'x.json') })).rejects.toThrow(
      /λ=1 λ_th=0 is randomized.*use --attack autoattack-rand/,
    );
  });

  it('autoattack-rand at λ = 1 reports CA and RA as mean ± std over 3 forward draws', async () => {
    const r = await runEval(floatDir, { ...common, lambdas: [1], lambdaThs: [0], attack: 'autoattack-rand', aaIter: 5, eot: 2, json: join(dataDir, 'r.json') });
    const row = r.rows[0];
    expect(row.randomized).toBe(true);
    expect(row.draws).toBe(3);
    expect(row.eot).toBe(2);
    expect(row.caStd).toBeGreaterThanOrEqual(0);
    expect(row.autoattack!.log.map((l) => l.attack)).toEqual(['apgd-ce', 'apgd-dlr']);
    expect(row.autoattack!.randomized).toBe(true);
    expect(row.autoattack!.checks.find((c) => c.name === 'randomized')?.message).toMatch(/randomized model evaluated with version 'rand'/);
    // The headline is the lower re-drawn mean of autoattack-rand and PGD with EOT ≥ 10, and says which.
    const v = row.verdicts!;
    expect(v.singleDraw).toEqual({ attack: 'autoattack-rand', ra: row.autoattack!.robustAccuracy });
    expect(v.redrawn.map((d) => [d.attack, d.eot])).toEqual([
      ['autoattack-rand', 2],
      ['pgd-3 EOT 10', 10],
    ]);
    for (const d of v.redrawn) expect(d.raDraws).toHaveLength(3);
    expect(row.ra).toBe(Math.min(...v.redrawn.map((d) => d.ra)));
    expect(row.headline).toBe(v.redrawn.find((d) => d.ra === row.ra)!.attack);
    expect(row.autoattack!.keptCandidates).toBe(true);
  }, 180_000);

  it('transfer:DIR crafts on another checkpoint and evaluates on this one', async () => {
    const r = await runEval(floatDir, { ...common, lambdas: [0], lambdaThs: [0], attack: `transfer:${sourceDir}`, json: join(dataDir, 't.json') });
    expect(r.attack).toMatchObject({ name: 'transfer-pgd-3', source: sourceDir });
    const white = (await runEval(floatDir, { ...common, lambdas: [0], lambdaThs: [0], json: join(dataDir, 'w.json') })).rows[0];
    expect(r.rows[0].ca).toBe(white.ca);
    expect(r.rows[0].ra).toBeLessThanOrEqual(r.rows[0].ca);
  }, 120_000);
});
