import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoAttack } from './autoattack';
import type { AutoAttackState } from './autoattack-state';
import { l2PerSample } from './lp-norm';
import { randomConvNet, randomImages, type TestModel } from './test-utils/models';
import { useBackend } from './test-utils/tf-setup';

const SHAPE: [number, number, number] = [8, 8, 1];
let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  conv = randomConvNet(111, SHAPE, 4, 5);
  x = randomImages(112, [12, ...SHAPE]);
  y = tf.tidy(() => tf.argMax(conv.logitsFn(x), 1)) as tf.Tensor1D;
});

afterAll(() => {
  conv.dispose();
  tf.dispose([x, y]);
});

describe('autoAttack, ℓ2', () => {
  it('standard ℓ2: every attack runs in ℓ2, the result is in the ℓ2 ball, robust accuracy only falls, checks pass', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    let state: AutoAttackState | undefined;
    const eps = 0.5;
    const { xAdv, report } = await autoAttack(conv.logitsFn, x, y, { eps, norm: 'L2', nIter: 10, nQueries: 40, nTargetClasses: 2, seed: 1, log: (l) => lines.push(l), onAttackDone: (s) => void (state = s) });
    expect(report.norm).toBe('L2');
    expect(report.attacks).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    expect(lines[0]).toMatch(/^autoAttack standard \[apgd-ce, apgd-t, fab-t, square\] ℓ2 ε = 0\.5: clean accuracy 100\.00%/);
    const distances = tf.tidy(() => Array.from(l2PerSample(tf.sub(xAdv, x)).dataSync()));
    for (const d of distances) expect(d).toBeLessThanOrEqual(eps * (1 + 1e-5));
    const stages = report.robustAccuracyAfter.map((s) => s.robustAccuracy);
    for (let i = 1; i < stages.length; i++) expect(stages[i]).toBeLessThanOrEqual(stages[i - 1]);
    expect(report.robustAccuracy).toBeLessThan(100);
    const bound = report.checks.find((c) => c.name === 'perturbation-bound');
    expect(bound?.passed).toBe(true);
    expect(bound?.message).toMatch(/^max ℓ2 perturbation/);
    expect(state?.norm).toBe('L2');
    xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // A resume state of the ℓ2 run does not resume an ℓ∞ one.
    await expect(autoAttack(conv.logitsFn, x, y, { eps, nIter: 10, nQueries: 40, nTargetClasses: 2, state })).rejects.toThrow(/made for the L2 threat model, this run has Linf/);
  });

  it('ℓ2 at a larger ε breaks at least as many points as at a smaller one (same seed)', async () => {
    const small = await autoAttack(conv.logitsFn, x, y, { eps: 0.2, norm: 'L2', version: 'custom', attacks: ['apgd-ce'], nIter: 20, seed: 2 });
    const large = await autoAttack(conv.logitsFn, x, y, { eps: 1.5, norm: 'L2', version: 'custom', attacks: ['apgd-ce'], nIter: 20, seed: 2 });
    expect(large.report.robustAccuracy).toBeLessThanOrEqual(small.report.robustAccuracy);
    tf.dispose([small.xAdv, large.xAdv]);
  });
});
