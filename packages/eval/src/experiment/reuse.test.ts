import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trainedRun, type ExpectedRun } from './reuse';

const root = mkdtempSync(join(tmpdir(), 'floatjs-reuse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A finished run directory whose recipe holds `recipe` over a minimal valid base. */
function runDir(name: string, recipe: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const base = { method: 'oat', methodOptions: { lambdas: [0, 0.2, 0.7, 1] }, preset: 'fmnist-quick', seed: 2, training: { epochs: 6, trainLimit: 10_000 } };
  writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ ...base, ...recipe }));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ method: 'oat', secondsPerEpoch: [1] }));
  return dir;
}

const expected: ExpectedRun = { method: 'oat', methodOptions: { lambdas: [0, 0.2, 0.7, 1] }, preset: 'fmnist-quick', seed: 2, epochs: 6, trainLimit: 10_000 };

describe('trainedRun: when a finished run may be reused', () => {
  it('reuses a run with the same method options, seed, epochs and training images', () => {
    expect(trainedRun(runDir('same', {}), expected).state).toBe('done');
  });

  it('never confuses OAT trained with its default λ set and with the paper’s', () => {
    const dir = runDir('oat-default', { methodOptions: { lambdas: [0, 0.1, 0.2, 0.3, 0.4, 1] } });
    expect(() => trainedRun(dir, expected)).toThrow(/holds a different run \(methodOptions=\{"lambdas":\[0,0.1,0.2,0.3,0.4,1\]\}; this experiment needs methodOptions=\{"lambdas":\[0,0.2,0.7,1\]\}\)/);
    // A run made before the λ set was recorded (OAT's default, implicitly) is not taken for the paper's either.
    expect(() => trainedRun(runDir('oat-implicit', { methodOptions: {} }), expected)).toThrow(/methodOptions=\{\}/);
  });

  it('compares the training subset', () => {
    expect(() => trainedRun(runDir('subset', { training: { epochs: 6, trainLimit: 200 } }), expected)).toThrow(/trainLimit=200; this experiment needs trainLimit=10000/);
    expect(() => trainedRun(runDir('whole', { training: { epochs: 6 } }), expected)).toThrow(/trainLimit=null/);
  });

  it('compares recipe.init when the experiment names one; a recipe without it was trained from He-normal', () => {
    const legacy = runDir('legacy-init', {});
    const pytorch = runDir('pytorch-init', { init: 'pytorch' });
    expect(() => trainedRun(legacy, { ...expected, init: 'pytorch' })).toThrow(/init="he-normal"; this experiment needs init="pytorch"/);
    expect(trainedRun(legacy, { ...expected, init: 'he-normal' }).state).toBe('done');
    expect(trainedRun(pytorch, { ...expected, init: 'pytorch' }).state).toBe('done');
    expect(() => trainedRun(pytorch, { ...expected, init: 'he-normal' })).toThrow(/init="pytorch"/);
    // Without an expected init, it is not compared.
    expect(trainedRun(pytorch, expected).state).toBe('done');
  });
});
