import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { exactSign } from './exact-sign';
import { pgd } from './pgd';
import { useBackend, type TestBackend } from './test-utils/tf-setup';

const VALUES = [1e-8, -1e-8, 1e-30, -1e-30, 1.1e-7, -1.1e-7, 0, -0, Number.NaN, 3, -2.5, 1e-3];
const SIGNS = [1, -1, 1, -1, 1, -1, 0, 0, 0, 1, -1, 1];

describe.each<TestBackend>(['cpu', 'wasm'])('exactSign on %s', (backend) => {
  afterAll(() => useBackend('cpu'));

  it('is ±1 for every nonzero value, however small, and 0 at ±0 and NaN', async () => {
    await useBackend(backend);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(VALUES);
    const s = exactSign(x);
    expect(Array.from(s.dataSync())).toEqual(SIGNS);
    expect(s.dtype).toBe('float32');
    tf.dispose([x, s]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lets PGD move a pixel whose loss gradient is below FLT_EPSILON', async () => {
    await useBackend(backend);
    // A linear model with a tiny weight on the only pixel: ∇x of the cross-entropy is about 1e-9.
    const w = tf.tensor2d([[1e-9, -1e-9]]);
    const logitsFn = (z: tf.Tensor4D) => tf.matMul(tf.reshape(z, [1, 1]), w) as tf.Tensor2D;
    const x = tf.tensor4d([0.5], [1, 1, 1, 1]);
    const y = tf.tensor1d([0], 'int32');
    const xAdv = pgd(logitsFn, x, y, { eps: 0.1, steps: 1, stepSize: 0.05, randomStart: false });
    // Label 0's logit grows with the pixel, so the attack lowers it by one step.
    expect(xAdv.dataSync()[0]).toBeCloseTo(0.45, 6);
    tf.dispose([w, x, y, xAdv]);
  });
});
