// Dual BN under a real attack: PGD from @floatjs/attacks. The tests of dual BN alone are beside it, in
// packages/conditioning-float/src/dual-norm.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { pgd } from '@floatjs/attacks';
import { dualNorm, floatNoise } from '@floatjs/conditioning-float';
import { condition, createModel, Rng, type Model } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { changedNames, snapshot } from '@floatjs/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
const NORMS = ['bn1', 'bn2', 'bn3'];
const STATS = ['movingMean', 'movingVariance'];

let model: Model;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await selectBackend('cpu');
  model = createModel('cnn-s', SPEC, [floatNoise(), dualNorm()], 2);
  x = tf.randomUniform([6, 12, 12, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  y = tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32');
});
afterAll(() => {
  tf.dispose([x, y]);
  model.dispose();
});

const names = (set: 'clean' | 'adv', kinds: string[]) => NORMS.flatMap((l) => kinds.map((k) => `${l}.${set}.${k}`));

describe('dual BN', () => {
  it('PGD against logitsFn({norm: adv, lambdaN: 1}) leaves every running statistic (and every variable) bit-identical', () => {
    // Make the two sets' statistics distinct and non-trivial first.
    tf.tidy(() => model.forward(x, condition({ norm: 'adv', lambdaN: 1, training: true }), new Rng(2)));
    tf.tidy(() => model.forward(x, condition({ norm: 'clean', training: true }), new Rng(2)));
    const before = snapshot(model.variables);
    const tensors = tf.memory().numTensors;
    const xAdv = pgd(model.logitsFn({ norm: 'adv', lambda: 1, lambdaN: 1 }, new Rng(3)), x, y, {
      eps: 8 / 255,
      steps: 5,
      stepSize: 2 / 255,
      seed: 1,
    });
    expect(changedNames(before, snapshot(model.variables))).toEqual([]);
    for (const n of [...names('clean', STATS), ...names('adv', STATS)]) expect(before.has(n)).toBe(true);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(xAdv, x))).dataSync()[0]);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(8 / 255 + 1e-6);
    xAdv.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
