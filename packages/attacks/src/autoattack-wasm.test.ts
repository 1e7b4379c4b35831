import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apgd } from './apgd';
import { apgdTargeted } from './apgd-targeted';
import { autoAttack } from './autoattack';
import { fab } from './fab';
import { randomSampling } from './random-sampling';
import { square } from './square';
import { randomConvNet, randomImages, randomLabels, type TestModel } from './test-utils/models';
import { maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

/** The new attacks need topk, tile, gather and input gradients only: all exist on the stock wasm backend. */
const SHAPE: [number, number, number] = [6, 6, 2];
const N = 8;
const EPS = 0.1;

let model: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('wasm');
  model = randomConvNet(111, SHAPE, 3, 5);
  x = randomImages(112, [N, ...SHAPE]);
  y = randomLabels(113, N, 5);
});

afterAll(async () => {
  model.dispose();
  tf.dispose([x, y]);
  await useBackend('cpu');
});

const ATTACKS: [string, (f: LogitsFn, xs: tf.Tensor4D, ys: tf.Tensor1D) => tf.Tensor4D][] = [
  ['apgd-ce', (f, xs, ys) => apgd(f, xs, ys, { eps: EPS, nIter: 6, nRestarts: 2, seed: 1 })],
  ['apgd-dlr eot 2', (f, xs, ys) => apgd(f, xs, ys, { eps: EPS, nIter: 4, loss: 'dlr', eot: 2, seed: 2 })],
  ['apgd-t', (f, xs, ys) => apgdTargeted(f, xs, ys, { eps: EPS, nIter: 4, nTargetClasses: 2, seed: 3 })],
  ['fab', (f, xs, ys) => fab(f, xs, ys, { eps: EPS, nIter: 5, nRestarts: 2, seed: 4 })],
  ['fab-t', (f, xs, ys) => fab(f, xs, ys, { eps: EPS, nIter: 5, targeted: true, nTargetClasses: 2, seed: 5 })],
  ['square', (f, xs, ys) => square(f, xs, ys, { eps: EPS, nQueries: 30, seed: 6 })],
  ['random sampling', (f, xs, ys) => randomSampling(f, xs, ys, { eps: EPS, samples: 3, seed: 7 })],
];

describe('new attacks on the wasm backend', () => {
  it('runs on wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  for (const [name, attack] of ATTACKS) {
    it(`${name}: within the ε-ball ∩ [0, 1], no leaks`, () => {
      const before = tf.memory().numTensors;
      const adv = attack(model.logitsFn, x, y);
      expect(adv.shape).toEqual(x.shape);
      expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(EPS + 1e-6);
      const [lo, hi] = minMax(adv);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      adv.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('autoAttack standard (small budgets): monotone log, checks pass, no leaks', async () => {
    const before = tf.memory().numTensors;
    const { xAdv, report } = await autoAttack(model.logitsFn, x, y, { eps: EPS, nIter: 5, nQueries: 30, nTargetClasses: 2, seed: 8 });
    expect(maxAbsDiff(xAdv, x)).toBeLessThanOrEqual(EPS + 1e-6);
    xAdv.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const counts = report.log.map((e) => e.robustAfter);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]);
    expect(report.checks.find((c) => c.name === 'randomized')!.passed).toBe(true);
  });
});
