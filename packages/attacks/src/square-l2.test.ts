import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { l2PerSample } from './lp-norm';
import { attackStream } from './seeded-random';
import { square } from './square';
import { metaPseudoGaussian, pseudoGaussianRectangle } from './square-l2-run';
import { randomConvNet, randomImages, type TestModel } from './test-utils/models';
import { minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [10, 10, 2];
const N = 8;
let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  conv = randomConvNet(101, SHAPE, 3, 5);
  x = randomImages(102, [N, ...SHAPE]);
  y = tf.tidy(() => tf.argMax(conv.logitsFn(x), 1)) as tf.Tensor1D;
});

afterAll(() => {
  conv.dispose();
  tf.dispose([x, y]);
});

const accuracy = (f: LogitsFn, input: tf.Tensor4D, labels: tf.Tensor1D) =>
  tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(f(input), 1), tf.cast(labels, 'int32')), 'float32')).dataSync()[0]);
const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, e) => s + e * e, 0));

describe('Square-ℓ2 building blocks', () => {
  it('pseudo-Gaussian rectangles have unit norm and peak at the centre', () => {
    for (const [a, b] of [[3, 5], [5, 5], [2, 7], [1, 1]]) {
      const r = pseudoGaussianRectangle(a, b);
      expect(norm(r)).toBeCloseTo(1, 12);
      const centre = r[Math.floor(a / 2) * b + Math.floor(b / 2)];
      expect(Math.max(...r)).toBe(centre);
    }
    expect(pseudoGaussianRectangle(0, 4).length).toBe(0);
  });

  it('the meta pseudo-Gaussian bump has unit norm and two halves of opposite sign', () => {
    const random = attackStream(1);
    for (const s of [3, 5, 7]) {
      const bump = metaPseudoGaussian(s, random);
      expect(norm(bump)).toBeCloseTo(1, 12);
      expect(Math.abs(bump.reduce((t, e) => t + e, 0))).toBeLessThan(1);
      expect(Math.min(...bump)).toBeLessThan(0);
      expect(Math.max(...bump)).toBeGreaterThan(0);
    }
  });
});

describe('square, ℓ2', () => {
  it('every query and the result lie in the ℓ2 ε-ball ∩ [0, 1], and the starting point uses the whole budget', () => {
    const eps = 1;
    const seen = { queries: 0, maxDistance: 0, min: Infinity, max: -Infinity, first: [] as number[] };
    const adv = square(conv.logitsFn, x, y, {
      eps,
      norm: 'L2',
      nQueries: 60,
      seed: 3,
      onIterate: (batch, origin) => {
        const d = tf.tidy(() => Array.from(l2PerSample(tf.sub(batch, origin)).dataSync()));
        if (seen.queries === 0) seen.first = d;
        seen.queries++;
        seen.maxDistance = Math.max(seen.maxDistance, ...d);
        const [lo, hi] = minMax(batch);
        seen.min = Math.min(seen.min, lo);
        seen.max = Math.max(seen.max, hi);
      },
    });
    expect(seen.queries).toBeGreaterThan(1);
    expect(seen.maxDistance).toBeLessThanOrEqual(eps * (1 + 1e-5));
    expect(seen.min).toBeGreaterThanOrEqual(0);
    expect(seen.max).toBeLessThanOrEqual(1);
    // Clipping to [0, 1] only shortens δ; on mid-range random images most of the budget survives it.
    for (const d of seen.first) expect(d).toBeGreaterThan(0.7 * eps);
    const d = tf.tidy(() => Array.from(l2PerSample(tf.sub(adv, x)).dataSync()));
    for (const v of d) expect(v).toBeLessThanOrEqual(eps * (1 + 1e-5));
    adv.dispose();
  });

  it('lowers accuracy with a large budget, replays for a seed, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const a = square(conv.logitsFn, x, y, { eps: 4, norm: 'L2', nQueries: 150, seed: 5 });
    const b = square(conv.logitsFn, x, y, { eps: 4, norm: 'L2', nQueries: 150, seed: 5 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(accuracy(conv.logitsFn, a, y)).toBeLessThan(1);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
