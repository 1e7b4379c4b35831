import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy } from './accuracy';
import { attackAccuracy } from './attack-accuracy';
import { pgd } from './pgd';
import { randomImages, randomLabels, randomMlp } from './test-utils/models';
import { useBackend } from './test-utils/tf-setup';
import type { AttackFn, LogitsFn } from './types';

/**
 * 1×2×1 images. The model classifies by pixel 0 (nearest of 0, 0.5, 1 → class 0, 1, 2); the fake attack
 * copies pixel 1 into pixel 0, so pixel 1 chooses the adversarial prediction.
 */
const byFirstPixel: LogitsFn = (x) =>
  tf.tidy(() => {
    const p = tf.reshape(tf.slice(x, [0, 0, 0, 0], [-1, 1, 1, 1]), [-1, 1]);
    return tf.mul(tf.square(tf.sub(p, tf.tensor2d([[0, 0.5, 1]]))), -100) as tf.Tensor2D;
  });

const copySecondPixel: AttackFn = (_logitsFn, x) =>
  tf.tidy(() => {
    const second = tf.slice(x, [0, 0, 1, 0], [-1, 1, 1, 1]);
    return tf.concat([second, second], 2) as tf.Tensor4D;
  });

const identityAttack: AttackFn = (_logitsFn, x) => tf.clone(x);

// [pixel 0 (clean prediction), pixel 1 (adversarial prediction)], label.
const SAMPLES: [[number, number], number][] = [
  [[0, 0], 0], // clean ✓, adv ✓ → robust
  [[0.5, 1], 1], // clean ✓, adv ✗
  [[1, 0], 0], // clean ✗, adv ✓ → NOT robust: x itself is in the ball and already fools the model
  [[1, 0.5], 0], // clean ✗, adv ✗
  [[1, 1], 2], // clean ✓, adv ✓ → robust
];

let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  x = tf.tensor4d(SAMPLES.flatMap(([pixels]) => pixels), [SAMPLES.length, 1, 2, 1]);
  y = tf.tensor1d(SAMPLES.map(([, label]) => label), 'int32');
});

afterAll(() => tf.dispose([x, y]));

describe('attackAccuracy', () => {
  for (const batchSize of [1, 2, 5, 64]) {
    it(`counts a sample robust only if clean AND adversarial are correct (batchSize ${batchSize})`, async () => {
      const result = await attackAccuracy(copySecondPixel, byFirstPixel, x, y, { batchSize });
      expect(result.cleanCorrect).toEqual([true, true, false, false, true]);
      expect(result.advCorrect).toEqual([true, false, true, false, true]);
      expect(result.ca).toBe(60);
      expect(result.ra).toBe(40);
    });
  }

  it('with an attack that changes nothing, RA equals CA', async () => {
    const result = await attackAccuracy(identityAttack, byFirstPixel, x, y, { batchSize: 2 });
    expect(result.ra).toBe(result.ca);
    expect(result.advCorrect).toEqual(result.cleanCorrect);
  });

  it('reports percent (0-100)', async () => {
    const allRight = tf.tensor1d([0, 1, 2, 2, 2], 'int32');
    const result = await attackAccuracy(identityAttack, byFirstPixel, x, allRight, { batchSize: 3 });
    allRight.dispose();
    expect(result.ca).toBe(100);
    expect(result.ra).toBe(100);
  });

  it('passes each batch and its labels to the attack, and accepts float32 labels', async () => {
    const seen: number[][] = [];
    const recording: AttackFn = (f, xb, yb) => {
      seen.push(Array.from(yb.dataSync()));
      return copySecondPixel(f, xb, yb);
    };
    const yFloat = tf.cast(y, 'float32') as tf.Tensor1D;
    const result = await attackAccuracy(recording, byFirstPixel, x, yFloat, { batchSize: 2 });
    yFloat.dispose();
    expect(seen).toEqual([[0, 1], [0, 0], [2]]);
    expect(result.ra).toBe(40);
  });

  it('with PGD on a random model: RA ≤ CA and RA counts exactly the samples correct in both', async () => {
    const shape: [number, number, number] = [4, 4, 1];
    const model = randomMlp(41, shape, 8, 3);
    const xs = randomImages(42, [20, ...shape]);
    const ys = randomLabels(43, 20, 3);
    const result = await attackAccuracy(
      (f, xb, yb) => pgd(f, xb, yb, { eps: 0.1, steps: 3, stepSize: 0.04, seed: 44 }),
      model.logitsFn,
      xs,
      ys,
      { batchSize: 8 },
    );
    const both = result.cleanCorrect.filter((clean, i) => clean && result.advCorrect[i]).length;
    expect(result.ra).toBeCloseTo((100 * both) / 20, 10);
    expect(result.ra).toBeLessThanOrEqual(result.ca);
    expect(result.ca).toBe(await accuracy(model.logitsFn, xs, ys, { batchSize: 7 }));
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('rejects a bad batch size and an empty input', async () => {
    await expect(attackAccuracy(identityAttack, byFirstPixel, x, y, { batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(attackAccuracy(identityAttack, byFirstPixel, x, y, { batchSize: 1.5 })).rejects.toThrow(RangeError);
    const empty = tf.zeros([0, 1, 2, 1]) as tf.Tensor4D;
    const noLabels = tf.zeros([0], 'int32') as tf.Tensor1D;
    await expect(attackAccuracy(identityAttack, byFirstPixel, empty, noLabels, { batchSize: 4 })).rejects.toThrow(RangeError);
    tf.dispose([empty, noLabels]);
  });
});

describe('accuracy', () => {
  for (const batchSize of [1, 2, 5, 100]) {
    it(`is the percent of samples whose argmax equals the label (batchSize ${batchSize})`, async () => {
      expect(await accuracy(byFirstPixel, x, y, { batchSize })).toBe(60);
    });
  }

  it('calls the model once per batch', async () => {
    let calls = 0;
    const counted: LogitsFn = (input) => {
      calls++;
      return byFirstPixel(input);
    };
    await accuracy(counted, x, y, { batchSize: 2 });
    expect(calls).toBe(3);
  });

  it('rejects a bad batch size', async () => {
    await expect(accuracy(byFirstPixel, x, y, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
