import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fab } from './fab';
import { projectL2HyperplaneBox } from './l2-hyperplane-projection';
import { l2PerSample } from './lp-norm';
import { Rng } from './test-utils/rng';
import { randomConvNet, randomImages, type TestModel } from './test-utils/models';
import { minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [4, 4, 2];
const D = 32;
const CLASSES = 4;
const N = 10;

let linear: { logitsFn: LogitsFn; w: number[][]; bias: number[]; dispose: () => void };
let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  const rng = new Rng(91);
  const w = Array.from({ length: D }, () => Array.from({ length: CLASSES }, () => rng.normal() * 0.5));
  const bias = Array.from({ length: CLASSES }, () => rng.normal() * 0.3);
  const wT = tf.tensor2d(w);
  const bT = tf.tensor1d(bias);
  linear = {
    w,
    bias,
    logitsFn: ((input) => tf.tidy(() => tf.add(tf.matMul(tf.reshape<tf.Rank.R2>(input, [input.shape[0], D]), wT), bT))) as LogitsFn,
    dispose: () => tf.dispose([wT, bT]),
  };
  conv = randomConvNet(92, SHAPE, 3, CLASSES);
  // Mid-range pixels and small linear margins: the minimal ℓ2 perturbations stay inside [0, 1].
  x = tf.tidy(() => tf.add(tf.mul(randomImages(93, [N, ...SHAPE]), 0.2), 0.4)) as tf.Tensor4D;
  y = tf.tidy(() => tf.argMax(linear.logitsFn(x), 1)) as tf.Tensor1D;
});

afterAll(() => {
  linear.dispose();
  conv.dispose();
  tf.dispose([x, y]);
});

/** min over k ≠ y of |z_y − z_k| / ‖w_y − w_k‖₂: the exact ℓ2 distance to the nearest boundary (box not binding). */
function minimalL2(point: ArrayLike<number>, label: number): number {
  const z = linear.bias.map((b, k) => b + linear.w.reduce((sum, row, j) => sum + row[k] * point[j], 0));
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < CLASSES; k++) {
    if (k === label) continue;
    const l2 = Math.sqrt(linear.w.reduce((sum, row) => sum + (row[label] - row[k]) ** 2, 0));
    best = Math.min(best, Math.abs(z[label] - z[k]) / l2);
  }
  return best;
}

const l2Distances = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.tidy(() => Array.from(l2PerSample(tf.sub(a, b)).dataSync()));

describe('projectL2HyperplaneBox', () => {
  it('lands on the plane inside the box with the smallest ℓ2 step (checked against bisection on the KKT multiplier)', () => {
    const rng = new Rng(94);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(50);
      const t = Array.from({ length: n }, () => (rng.next() < 0.2 ? rng.int(2) : rng.next()));
      const w = Array.from({ length: n }, () => (rng.next() < 0.1 ? 0 : rng.normal()));
      const b = w.reduce((s, wi, i) => s + wi * t[i], 0) + rng.normal() * 1.5;
      const { d, norm, feasible } = projectL2HyperplaneBox(t, w, b);
      const moved = t.map((ti, i) => ti + d[i]);
      for (const v of moved) {
        expect(v).toBeGreaterThanOrEqual(-1e-12);
        expect(v).toBeLessThanOrEqual(1 + 1e-12);
      }
      expect(norm).toBeCloseTo(Math.sqrt(Array.from(d).reduce((s, v) => s + v * v, 0)), 12);
      const value = (p: number[]) => w.reduce((s, wi, i) => s + wi * p[i], 0);
      // Independent solution: d(μ)ᵢ = clip(±μ|wᵢ|, box), μ by bisection on the monotone gain.
      const gap = value(t) - b;
      const dir = gap > 0 ? -1 : 1;
      const step = (mu: number) => t.map((ti, i) => Math.min(1, Math.max(0, ti + dir * mu * w[i])) - ti);
      const gain = (mu: number) => Math.abs(value(t.map((ti, i) => ti + step(mu)[i])) - value(t));
      if (!feasible) {
        expect(gain(1e9)).toBeLessThan(Math.abs(gap));
        continue;
      }
      expect(value(moved)).toBeCloseTo(b, 8);
      let lo = 0;
      let hi = 1;
      while (gain(hi) < Math.abs(gap)) hi *= 2;
      for (let k = 0; k < 200; k++) {
        const mid = (lo + hi) / 2;
        if (gain(mid) < Math.abs(gap)) lo = mid;
        else hi = mid;
      }
      const reference = Math.sqrt(step(hi).reduce((s, v) => s + v * v, 0));
      expect(norm).toBeCloseTo(reference, 6);
    }
  });

  it('is the orthogonal projection when the box does not bind', () => {
    const t = [0.5, 0.5, 0.5];
    const w = [1, 2, -2];
    const { d, norm } = projectL2HyperplaneBox(t, w, 0.9); // ⟨w, t⟩ = 0.5, so d = 0.4·w/‖w‖²
    expect(Array.from(d)).toEqual([0.4 / 9, 0.8 / 9, -0.8 / 9].map((v) => expect.closeTo(v, 12)));
    expect(norm).toBeCloseTo(0.4 / 3, 12);
  });
});

describe('fab, ℓ2', () => {
  for (const targeted of [false, true]) {
    it(`${targeted ? 'FAB-T' : 'FAB'}-ℓ2 on a linear model: never below the exact minimal ℓ2 distance, and close to it`, () => {
      const adv = fab(linear.logitsFn, x, y, { eps: 10, norm: 'L2', targeted, nTargetClasses: 3, nIter: 40, seed: 1 });
      const distances = l2Distances(adv, x);
      const predicted = tf.tidy(() => Array.from(tf.argMax(linear.logitsFn(adv), 1).dataSync()));
      const xs = x.dataSync();
      const labels = y.dataSync();
      let fooled = 0;
      for (let i = 0; i < N; i++) {
        if (predicted[i] === labels[i]) continue;
        fooled++;
        const exact = minimalL2(xs.subarray(i * D, (i + 1) * D), labels[i]);
        expect(distances[i]).toBeGreaterThanOrEqual(exact * (1 - 1e-4));
        expect(distances[i]).toBeLessThanOrEqual(exact * 1.15 + 1e-6);
      }
      expect(fooled).toBe(N);
      adv.dispose();
    });
  }

  it('returns only points fooled within the ℓ2 ε (others stay x), and every point in [0, 1], on a conv net too', () => {
    for (const model of [linear, conv]) {
      const eps = 0.3;
      const adv = fab(model.logitsFn, x, y, { eps, norm: 'L2', nIter: 20, nRestarts: 2, seed: 3 });
      const distances = l2Distances(adv, x);
      for (const d of distances) expect(d === 0 || d <= eps * (1 + 1e-5)).toBe(true);
      const [lo, hi] = minMax(adv);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      adv.dispose();
    }
  });
});
