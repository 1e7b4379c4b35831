import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fab, type FabOptions } from './fab';
import { projectLinfHyperplaneBox } from './linf-hyperplane-projection';
import { Rng } from './test-utils/rng';
import { randomConvNet, randomImages, randomLabels, type TestModel } from './test-utils/models';
import { maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [4, 4, 2];
const D = 4 * 4 * 2;
const CLASSES = 4;
const N = 10;

let linear: { logitsFn: LogitsFn; w: number[][]; bias: number[]; dispose: () => void };
let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

/** z = xW + b with W [D, CLASSES]; the distances to its decision boundaries are known in closed form. */
function linearModel(seed: number) {
  const rng = new Rng(seed);
  const w = Array.from({ length: D }, () => Array.from({ length: CLASSES }, () => rng.normal() * 0.5));
  const bias = Array.from({ length: CLASSES }, () => rng.normal() * 0.3);
  const wT = tf.tensor2d(w);
  const bT = tf.tensor1d(bias);
  return {
    w,
    bias,
    logitsFn: ((input) => tf.tidy(() => tf.add(tf.matMul(tf.reshape<tf.Rank.R2>(input, [input.shape[0], D]), wT), bT))) as LogitsFn,
    dispose: () => tf.dispose([wT, bT]),
  };
}

/** min over k ≠ y of |z_y − z_k| / ‖w_y − w_k‖₁: no ℓ∞ perturbation smaller than this changes the class. */
function minimalDistance(point: ArrayLike<number>, label: number): number {
  const z = linear.bias.map((b, k) => b + linear.w.reduce((sum, row, j) => sum + row[k] * point[j], 0));
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < CLASSES; k++) {
    if (k === label) continue;
    const l1 = linear.w.reduce((sum, row) => sum + Math.abs(row[label] - row[k]), 0);
    best = Math.min(best, Math.abs(z[label] - z[k]) / l1);
  }
  return best;
}

function rowDistances(a: tf.Tensor4D, b: tf.Tensor4D): number[] {
  return tf.tidy(() => Array.from(tf.max(tf.abs(tf.sub(a, b)), [1, 2, 3]).dataSync()));
}

function predictions(logitsFn: LogitsFn, input: tf.Tensor4D): number[] {
  return tf.tidy(() => Array.from(tf.argMax(logitsFn(input), 1).dataSync()));
}

beforeAll(async () => {
  await useBackend('cpu');
  linear = linearModel(81);
  conv = randomConvNet(82, SHAPE, 3, CLASSES);
  // Mid-range pixels, so the minimal perturbations stay inside [0, 1] and the box does not bind.
  x = tf.tidy(() => tf.add(tf.mul(randomImages(83, [N, ...SHAPE]), 0.4), 0.3)) as tf.Tensor4D;
  y = tf.tidy(() => tf.argMax(linear.logitsFn(x), 1)) as tf.Tensor1D;
});

afterAll(() => {
  linear.dispose();
  conv.dispose();
  tf.dispose([x, y]);
});

describe('projectLinfHyperplaneBox', () => {
  it('matches hand-solved cases', () => {
    // ⟨(1,1), t + d⟩ = 0.4 from t = (0.5, 0.5): both coordinates move by −0.3.
    let r = projectLinfHyperplaneBox([0.5, 0.5], [1, 1], 0.4);
    expect(Array.from(r.d)).toEqual([expect.closeTo(-0.3, 12), expect.closeTo(-0.3, 12)]);
    expect(r.norm).toBeCloseTo(0.3, 12);
    // From (0.1, 0.5) to 0.2: the first coordinate saturates at 0 after 0.1, the second moves 0.3.
    r = projectLinfHyperplaneBox([0.1, 0.5], [1, 1], 0.2);
    expect(r.d[0]).toBeCloseTo(-0.1, 12);
    expect(r.d[1]).toBeCloseTo(-0.3, 12);
    expect(r.feasible).toBe(true);
    // Upward with a negative weight: ⟨(2, −1), t + d⟩ = 1 from (0.25, 0.5) (value 0): 2λ + λ = 1, λ = 1/3.
    r = projectLinfHyperplaneBox([0.25, 0.5], [2, -1], 1);
    expect(r.d[0]).toBeCloseTo(1 / 3, 12);
    expect(r.d[1]).toBeCloseTo(-1 / 3, 12);
    // Infeasible: the box cannot reach ⟨(1,1), ·⟩ = −1; every coordinate goes to its bound.
    r = projectLinfHyperplaneBox([0.1, 0.3], [1, 1], -1);
    expect(r.feasible).toBe(false);
    expect(r.d[0]).toBeCloseTo(-0.1, 12);
    expect(r.d[1]).toBeCloseTo(-0.3, 12);
    // Already on the hyperplane, and zero weights never move.
    r = projectLinfHyperplaneBox([0.2, 0.7], [0, 1], 0.7);
    expect(r.norm).toBe(0);
    r = projectLinfHyperplaneBox([0.2, 0.7], [0, 1], 0.5);
    expect(r.d[0]).toBe(0);
    expect(r.d[1]).toBeCloseTo(-0.2, 12);
  });

  it('on random problems: lands on the hyperplane, stays in the box, and no smaller radius reaches it', () => {
    const rng = new Rng(84);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(60);
      const t = Array.from({ length: n }, () => (rng.next() < 0.2 ? rng.int(2) : rng.next()));
      const w = Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.normal()));
      const b = w.reduce((s, wi, i) => s + wi * t[i], 0) + rng.normal() * 2;
      const { d, norm, feasible } = projectLinfHyperplaneBox(t, w, b);
      const moved = t.map((ti, i) => ti + d[i]);
      for (const v of moved) {
        expect(v).toBeGreaterThanOrEqual(-1e-12);
        expect(v).toBeLessThanOrEqual(1 + 1e-12);
      }
      expect(norm).toBeCloseTo(Math.max(0, ...Array.from(d, Math.abs)), 12);
      // The best any radius-λ step can do: move every coordinate by min(λ, room) in the helpful direction.
      const value = (point: number[]) => w.reduce((s, wi, i) => s + wi * point[i], 0);
      const reach = (lambda: number) => {
        const down = value(t) > b;
        return t.map((ti, i) => {
          const up = (w[i] > 0) !== down;
          return up ? Math.min(1, ti + lambda) : Math.max(0, ti - lambda);
        });
      };
      if (feasible) {
        expect(value(moved)).toBeCloseTo(b, 8);
        if (norm > 1e-9) {
          const shorter = value(reach(norm * (1 - 1e-6)));
          expect(Math.abs(shorter - b)).toBeGreaterThan(0);
          expect(Math.sign(value(t) - b)).toBe(Math.sign(shorter - b));
        }
      } else {
        expect(value(moved)).toBeCloseTo(value(reach(1)), 8);
      }
    }
  });
});

describe('fab', () => {
  for (const targeted of [false, true]) {
    it(`${targeted ? 'FAB-T' : 'FAB'} on a linear model: never below the exact minimal distance, and close to it`, () => {
      const adv = fab(linear.logitsFn, x, y, { eps: 1, targeted, nTargetClasses: 3, nIter: 40, seed: 1 });
      const distances = rowDistances(adv, x);
      const predicted = predictions(linear.logitsFn, adv);
      const xs = x.dataSync();
      const labels = y.dataSync();
      let fooled = 0;
      for (let i = 0; i < N; i++) {
        const exact = minimalDistance(xs.subarray(i * D, (i + 1) * D), labels[i]);
        if (predicted[i] === labels[i]) continue;
        fooled++;
        expect(distances[i]).toBeGreaterThanOrEqual(exact * (1 - 1e-4));
        expect(distances[i]).toBeLessThanOrEqual(exact * 1.15 + 1e-6);
      }
      expect(fooled).toBe(N);
      adv.dispose();
    });
  }

  it('returns only points fooled within ε; the others stay x', () => {
    const exact = Array.from({ length: N }, (_, i) => minimalDistance(x.dataSync().subarray(i * D, (i + 1) * D), y.dataSync()[i]));
    const eps = [...exact].sort((a, b) => a - b)[Math.floor(N / 2)];
    const adv = fab(linear.logitsFn, x, y, { eps, nIter: 30, seed: 2 });
    const moved = rowDistances(adv, x);
    const predicted = predictions(linear.logitsFn, adv);
    const labels = y.dataSync();
    let fooled = 0;
    for (let i = 0; i < N; i++) {
      expect(moved[i]).toBeLessThanOrEqual(eps + 1e-6);
      if (moved[i] === 0) expect(predicted[i]).toBe(labels[i]);
      else {
        fooled++;
        expect(predicted[i]).not.toBe(labels[i]);
      }
      if (exact[i] > eps) expect(moved[i]).toBe(0);
    }
    expect(fooled).toBeGreaterThan(0);
    adv.dispose();
  });

  it('iterates stay in [0, 1]; a conv net is attacked too, within ε', () => {
    const labels = randomLabels(85, N, CLASSES);
    const images = randomImages(86, [N, ...SHAPE]);
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    let iterates = 0;
    const options: FabOptions = {
      eps: 0.2,
      targeted: true,
      nTargetClasses: 2,
      nIter: 8,
      nRestarts: 2,
      seed: 3,
      onIterate: (iterate) => {
        iterates++;
        const [lo, hi] = minMax(iterate);
        low = Math.min(low, lo);
        high = Math.max(high, hi);
      },
    };
    const adv = fab(conv.logitsFn, images, labels, options);
    expect(iterates).toBeGreaterThan(0);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(maxAbsDiff(adv, images)).toBeLessThanOrEqual(0.2 + 1e-6);
    adv.dispose();
    tf.dispose([labels, images]);
  });

  it('is deterministic for a seed and leaks no tensors', () => {
    const options: FabOptions = { eps: 0.3, nIter: 6, nRestarts: 2, seed: 4 };
    const before = tf.memory().numTensors;
    const a = fab(conv.logitsFn, x, y, options);
    const b = fab(conv.logitsFn, x, y, options);
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    fab(conv.logitsFn, x, y, { ...options, targeted: true, nTargetClasses: 3 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates options', () => {
    for (const bad of [{ eps: -1 }, { eps: 0.1, nIter: 0 }, { eps: 0.1, alphaMax: 2 }, { eps: 0.1, eta: 0.5 }, { eps: 0.1, beta: 0 }]) {
      expect(() => fab(conv.logitsFn, x, y, bad as FabOptions)).toThrow(RangeError);
    }
  });
});
