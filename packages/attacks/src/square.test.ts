import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { square, squarePSchedule, type SquareOptions } from './square';
import { randomConvNet, randomImages, randomLabels, type TestModel } from './test-utils/models';
import { Rng } from './test-utils/rng';
import { maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [6, 6, 2];
const D = 6 * 6 * 2;
const CLASSES = 4;
const N = 10;

let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  conv = randomConvNet(91, SHAPE, 3, CLASSES);
  x = randomImages(92, [N, ...SHAPE]);
  y = randomLabels(93, N, CLASSES);
});

afterAll(() => {
  conv.dispose();
  tf.dispose([x, y]);
});

describe('squarePSchedule', () => {
  it('halves p after iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000 (reference thresholds)', () => {
    const p = (it: number) => squarePSchedule(it, 0.8);
    expect([0, 10, 11, 50, 51, 200, 201, 500, 501].map(p)).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.2, 0.1, 0.1, 0.05]);
    expect(p(1000)).toBeCloseTo(0.8 / 16, 12);
    expect(p(1001)).toBeCloseTo(0.8 / 32, 12);
    expect(p(4001)).toBeCloseTo(0.8 / 128, 12);
    expect(p(8001)).toBeCloseTo(0.8 / 512, 12);
    expect(p(1e6)).toBeCloseTo(0.8 / 512, 12);
  });

  it('rescaled to a budget, maps the iteration to ⌊it/budget·10000⌋ first', () => {
    expect(squarePSchedule(100, 0.8, 1000)).toBe(squarePSchedule(1000, 0.8));
    expect(squarePSchedule(999, 0.8, 1000)).toBe(squarePSchedule(9990, 0.8));
  });
});

describe('square', () => {
  it('every candidate and the result lie in the ε-ball ∩ [0, 1]', () => {
    const eps = 0.1;
    let queries = 0;
    let worst = 0;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    const adv = square(conv.logitsFn, x, y, {
      eps,
      nQueries: 60,
      nRestarts: 2,
      seed: 1,
      onIterate: (candidate, origin) => {
        queries++;
        worst = Math.max(worst, maxAbsDiff(candidate, origin));
        const [lo, hi] = minMax(candidate);
        low = Math.min(low, lo);
        high = Math.max(high, hi);
      },
    });
    expect(queries).toBeGreaterThan(1);
    expect(worst).toBeLessThanOrEqual(eps + 1e-6);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(eps + 1e-6);
    adv.dispose();
  });

  it('without gradients, fools a linear model wherever a perturbation of ε/2 would', () => {
    const rng = new Rng(94);
    const w = Array.from({ length: D }, () => Array.from({ length: CLASSES }, () => rng.normal() * 0.3));
    const wT = tf.tensor2d(w);
    const logitsFn: LogitsFn = (input) => tf.tidy(() => tf.matMul(tf.reshape<tf.Rank.R2>(input, [input.shape[0], D]), wT));
    const xs = tf.tidy(() => tf.add(tf.mul(randomImages(95, [N, ...SHAPE]), 0.5), 0.25)) as tf.Tensor4D;
    const labels = tf.tidy(() => tf.argMax(logitsFn(xs), 1)) as tf.Tensor1D;
    const eps = 0.1;
    // Exact ℓ∞ distance to the nearest boundary (pixels stay inside [0, 1] at this scale).
    const values = xs.dataSync();
    const ys = labels.dataSync();
    const distance = Array.from({ length: N }, (_, i) => {
      const z = Array.from({ length: CLASSES }, (_, k) => w.reduce((s, row, j) => s + row[k] * values[i * D + j], 0));
      return Math.min(
        ...Array.from({ length: CLASSES }, (_, k) =>
          k === ys[i] ? Infinity : (z[ys[i]] - z[k]) / w.reduce((s, row) => s + Math.abs(row[ys[i]] - row[k]), 0),
        ),
      );
    });
    const adv = square(logitsFn, xs, labels, { eps, nQueries: 400, seed: 2 });
    const predicted = tf.tidy(() => Array.from(tf.argMax(logitsFn(adv), 1).dataSync()));
    const easy = distance.map((d, i) => (d <= eps / 2 ? i : -1)).filter((i) => i >= 0);
    expect(easy.length).toBeGreaterThan(2);
    for (const i of easy) expect(predicted[i]).not.toBe(ys[i]);
    // Nothing beyond the exact distance can be fooled.
    distance.forEach((d, i) => {
      if (d > eps) expect(predicted[i]).toBe(ys[i]);
    });
    tf.dispose([wT, xs, labels, adv]);
  });

  it('is deterministic for a seed, different across seeds, and leaks no tensors', () => {
    const options: SquareOptions = { eps: 0.05, nQueries: 30, seed: 3 };
    const before = tf.memory().numTensors;
    const a = square(conv.logitsFn, x, y, options);
    const b = square(conv.logitsFn, x, y, options);
    const c = square(conv.logitsFn, x, y, { ...options, seed: 4 });
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(a, c)).toBeGreaterThan(0);
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops querying once every point is fooled', () => {
    let calls = 0;
    // Always wrong: every point is misclassified already, so only the clean call happens.
    const wrong: LogitsFn = (input) => {
      calls++;
      return tf.tidy(() => tf.cast(tf.oneHot(tf.fill([input.shape[0]], CLASSES - 1, 'int32') as tf.Tensor1D, CLASSES), 'float32') as tf.Tensor2D);
    };
    const labels = tf.zeros([N], 'int32') as tf.Tensor1D;
    square(wrong, x, labels, { eps: 0.1, nQueries: 100 }).dispose();
    expect(calls).toBe(1);
    labels.dispose();
  });

  it('validates options', () => {
    for (const bad of [{ eps: -1 }, { eps: 0.1, nQueries: -1 }, { eps: 0.1, pInit: 0 }, { eps: 0.1, pInit: 1.5 }, { eps: 0.1, seed: 0.5 }]) {
      expect(() => square(conv.logitsFn, x, y, bad as SquareOptions)).toThrow(RangeError);
    }
  });
});
