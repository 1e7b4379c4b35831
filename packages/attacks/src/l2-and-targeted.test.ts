import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apgd } from './apgd';
import { apgdTargeted } from './apgd-targeted';
import { l2PerSample, projectL2 } from './lp-norm';
import { pgd } from './pgd';
import { randomConvNet, randomImages, randomLabels, randomMlp, type TestModel } from './test-utils/models';
import { lossPerSample, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [6, 6, 2];
const CLASSES = 6;
const N = 10;

let mlp: TestModel;
let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  mlp = randomMlp(81, SHAPE, 16, CLASSES);
  conv = randomConvNet(82, SHAPE, 3, CLASSES);
  x = randomImages(83, [N, ...SHAPE]);
  y = randomLabels(84, N, CLASSES);
});

afterAll(() => {
  mlp.dispose();
  conv.dispose();
  tf.dispose([x, y]);
});

const l2Distances = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.tidy(() => Array.from(l2PerSample(tf.sub(a, b)).dataSync()));
const accuracy = (f: LogitsFn, input: tf.Tensor4D, labels: tf.Tensor1D) =>
  tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(f(input), 1), tf.cast(labels, 'int32')), 'float32')).dataSync()[0]);

describe('projectL2', () => {
  it('keeps points inside the ball, scales points outside onto its sphere, then clips to [0, 1]', () => {
    const origin = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    const inside = tf.add(origin, tf.fill([2, 2, 2, 1], 0.05)) as tf.Tensor4D; // ‖δ‖₂ = 0.1
    expect(tf.max(tf.abs(tf.sub(projectL2(inside, origin, 0.2), inside))).dataSync()[0]).toBeLessThan(1e-7);
    const outside = tf.add(origin, tf.fill([2, 2, 2, 1], 0.2)) as tf.Tensor4D; // ‖δ‖₂ = 0.4
    const projected = projectL2(outside, origin, 0.2);
    for (const d of l2Distances(projected, origin)) expect(d).toBeCloseTo(0.2, 5);
    const far = tf.add(origin, tf.fill([2, 2, 2, 1], 3)) as tf.Tensor4D;
    const [lo, hi] = minMax(projectL2(far, origin, 10));
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });
});

describe('pgd, ℓ2', () => {
  it('every result lies in the ℓ2 ball ∩ [0, 1], with and without random start', () => {
    for (const randomStart of [true, false]) {
      for (const model of [mlp, conv]) {
        const eps = 0.5;
        const adv = pgd(model.logitsFn, x, y, { eps, steps: 10, stepSize: (2.5 * eps) / 10, norm: 'L2', randomStart, seed: 3 });
        for (const d of l2Distances(adv, x)) expect(d).toBeLessThanOrEqual(eps * (1 + 1e-5));
        const [lo, hi] = minMax(adv);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        adv.dispose();
      }
    }
  });

  it('one step without random start moves by α·∇/‖∇‖₂ (no clipping needed in the interior)', () => {
    const interior = tf.fill([3, ...SHAPE], 0.5) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    const alpha = 0.05;
    const adv = pgd(mlp.logitsFn, interior, labels, { eps: 1, steps: 1, stepSize: alpha, norm: 'L2', randomStart: false });
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.losses.softmaxCrossEntropy(tf.oneHot(labels, CLASSES), mlp.logitsFn(t as tf.Tensor4D), undefined, undefined, tf.Reduction.NONE)))(interior);
    const expected = tf.add(interior, tf.mul(alpha, tf.div(grad, l2PerSample(grad as tf.Tensor4D))));
    expect(tf.max(tf.abs(tf.sub(adv, expected))).dataSync()[0]).toBeLessThan(1e-6);
    for (const d of l2Distances(adv, interior)) expect(d).toBeCloseTo(alpha, 5);
  });

  it('raises the loss and, with a large ε, lowers accuracy', () => {
    const adv = pgd(conv.logitsFn, x, y, { eps: 3, steps: 20, stepSize: 0.4, norm: 'L2', seed: 5 });
    const before = lossPerSample(conv.logitsFn, x, y);
    const after = lossPerSample(conv.logitsFn, adv, y);
    expect(after.reduce((a, b) => a + b)).toBeGreaterThan(before.reduce((a, b) => a + b));
    expect(accuracy(conv.logitsFn, adv, y)).toBeLessThanOrEqual(accuracy(conv.logitsFn, x, y));
    expect(accuracy(conv.logitsFn, adv, y)).toBeLessThan(0.5);
  });

  it('refuses an unknown norm and an ℓ∞ ε above 1', () => {
    expect(() => pgd(mlp.logitsFn, x, y, { eps: 0.1, steps: 1, stepSize: 0.1, norm: 'L1' as never })).toThrow(/pgd: norm must be 'Linf' or 'L2', got L1/);
    expect(() => pgd(mlp.logitsFn, x, y, { eps: 1.5, steps: 1, stepSize: 0.1 })).toThrow(/pgd: an ℓ∞ eps above 1/);
  });
});

describe('pgd, targeted', () => {
  it('lowers the cross-entropy to the target and reaches it more often than untargeted PGD does', () => {
    const target = tf.tidy(() => tf.cast(tf.mod(tf.add(y, 1), CLASSES), 'int32') as tf.Tensor1D);
    const opts = { eps: 0.3, steps: 20, stepSize: 0.03, seed: 7 };
    const targeted = pgd(mlp.logitsFn, x, y, { ...opts, target });
    const untargeted = pgd(mlp.logitsFn, x, y, opts);
    const toTarget = (input: tf.Tensor4D) => lossPerSample(mlp.logitsFn, input, target).reduce((a, b) => a + b);
    expect(toTarget(targeted)).toBeLessThan(toTarget(x));
    expect(accuracy(mlp.logitsFn, targeted, target)).toBeGreaterThan(accuracy(mlp.logitsFn, untargeted, target));
    expect(accuracy(mlp.logitsFn, targeted, target)).toBeGreaterThan(0.5);
    expect(tf.max(tf.abs(tf.sub(targeted, x))).dataSync()[0]).toBeLessThanOrEqual(0.3 + 1e-6);
  });

  it("keep 'best' never returns a point farther from the target than x, in either norm", () => {
    const target = tf.tidy(() => tf.cast(tf.mod(tf.add(y, 2), CLASSES), 'int32') as tf.Tensor1D);
    for (const norm of ['Linf', 'L2'] as const) {
      const adv = pgd(conv.logitsFn, x, y, { eps: norm === 'L2' ? 0.5 : 0.05, steps: 5, stepSize: norm === 'L2' ? 0.2 : 0.02, seed: 2, keep: 'best', norm, target });
      const atX = lossPerSample(conv.logitsFn, x, target);
      const atAdv = lossPerSample(conv.logitsFn, adv, target);
      atAdv.forEach((v, i) => expect(v).toBeLessThanOrEqual(atX[i] + 1e-6));
    }
  });

  it('refuses a target of the wrong shape', () => {
    expect(() => pgd(mlp.logitsFn, x, y, { eps: 0.1, steps: 1, stepSize: 0.1, target: tf.tensor1d([1], 'int32') })).toThrow(/pgd: target must be \[10\]/);
  });
});

describe('apgd, ℓ2', () => {
  for (const loss of ['ce', 'dlr'] as const) {
    it(`${loss}: every iterate and the result lie in the ℓ2 ball ∩ [0, 1]; the start lies on the sphere`, () => {
      const eps = 0.6;
      const seen = { iterates: 0, maxDistance: 0, min: Infinity, max: -Infinity, first: [] as number[] };
      const adv = apgd(conv.logitsFn, x, y, {
        eps,
        norm: 'L2',
        nIter: 15,
        nRestarts: 2,
        loss,
        seed: 4,
        attackMisclassified: true,
        onIterate: (iterate, origin) => {
          const d = l2Distances(iterate, origin);
          if (seen.iterates === 0) seen.first = d;
          seen.iterates++;
          seen.maxDistance = Math.max(seen.maxDistance, ...d);
          const [lo, hi] = minMax(iterate);
          seen.min = Math.min(seen.min, lo);
          seen.max = Math.max(seen.max, hi);
        },
      });
      expect(seen.iterates).toBeGreaterThanOrEqual(16);
      expect(seen.maxDistance).toBeLessThanOrEqual(eps * (1 + 1e-5));
      expect(seen.min).toBeGreaterThanOrEqual(0);
      expect(seen.max).toBeLessThanOrEqual(1);
      // x ∈ [0.2, 0.8]-ish random images: the clip seldom bites, so the start sits on (or just inside) the sphere.
      expect(Math.max(...seen.first)).toBeGreaterThan(0.9 * eps);
      for (const d of l2Distances(adv, x)) expect(d).toBeLessThanOrEqual(eps * (1 + 1e-5));
      adv.dispose();
    });
  }

  it('APGD-CE ℓ2 lowers accuracy at least as much as ℓ2 PGD with the same budget, and APGD-T ℓ2 stays in the ball', () => {
    const eps = 1;
    const a = apgd(conv.logitsFn, x, y, { eps, norm: 'L2', nIter: 30, seed: 6 });
    const p = pgd(conv.logitsFn, x, y, { eps, steps: 30, stepSize: (2.5 * eps) / 30, norm: 'L2', seed: 6 });
    expect(accuracy(conv.logitsFn, a, y)).toBeLessThanOrEqual(accuracy(conv.logitsFn, p, y) + 0.1);
    const t = apgdTargeted(conv.logitsFn, x, y, { eps, norm: 'L2', nIter: 10, nTargetClasses: 3, seed: 6 });
    for (const d of l2Distances(t, x)) expect(d).toBeLessThanOrEqual(eps * (1 + 1e-5));
    tf.dispose([a, p, t]);
  });
});
