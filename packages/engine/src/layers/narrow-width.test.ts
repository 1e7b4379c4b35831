import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../gradients';
import { changedNames, maxRelErr, snapshot, useStockBackend } from '../testing';
import { condition } from '../condition';
import { ModelBuilder } from '../model';
import type { Plugin } from '../plugin';
import { PluginHost } from '../plugin-host';
import { Rng } from '@floatjs/random';
import { BN_EPSILON, BN_MOMENTUM } from './batch-norm';

// A narrow input (a slimmable width) reaches a norm layer with fewer channels than the layer holds.
const C = 5;
const K = 3;
const SHAPE: [number, number, number, number] = [2, 3, 3, K];

function data(seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = rng.fillNormal(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 1);
  for (let i = 0; i < x.length; i++) x[i] = x[i] * (1 + (i % K)) + (i % K) - 1;
  return x;
}

function moments(x: Float32Array): { mean: number[]; biased: number[]; unbiased: number[] } {
  const n = x.length / K;
  const mean = Array(K).fill(0);
  const ss = Array(K).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % K] += x[i] / n;
  for (let i = 0; i < x.length; i++) ss[i % K] += (x[i] - mean[i % K]) ** 2;
  return { mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
}

const G = [2, -1, 0.5, 3, 4];
const B = [0.5, 1, -1, 7, 8];
const M = [1, -1, 0.5, 9, 9];
const V = [4, 0.25, 1, 9, 9];

function buildNorm() {
  const b = new ModelBuilder(new PluginHost([]), new Rng(1));
  const apply = b.norm('bn', C);
  const v = (k: string) => b.registry.vars.get(`bn.${k}`)!;
  const bn = { apply, vars: b.registry.vars, gamma: v('gamma'), beta: v('beta'), mean: v('movingMean'), variance: v('movingVariance') };
  tf.tidy(() => {
    bn.gamma.assign(tf.tensor1d(G));
    bn.beta.assign(tf.tensor1d(B));
    bn.mean.assign(tf.tensor1d(M));
    bn.variance.assign(tf.tensor1d(V));
  });
  return bn;
}

describe.each(['cpu', 'wasm'] as const)('narrow inputs (%s)', (backend) => {
  beforeAll(async () => {
    await useStockBackend(backend);
  });
  afterAll(async () => {
    await useStockBackend('cpu');
  });

  it('a training forward normalises with the first K channels of γ/β and updates only their running statistics', () => {
    const bn = buildNorm();
    const x = data(1);
    const y = tf.tidy(() => bn.apply(tf.tensor4d(x, SHAPE), { cond: condition({ training: true }), rng: new Rng(1) }).dataSync() as Float32Array);
    const m = moments(x);
    const expY = Array.from(x, (v, i) => ((v - m.mean[i % K]) / Math.sqrt(m.biased[i % K] + BN_EPSILON)) * G[i % K] + B[i % K]);
    expect(y.length).toBe(x.length);
    expect(maxRelErr(y, expY)).toBeLessThan(1e-5);
    const expMean = M.map((v, k) => (k < K ? (1 - BN_MOMENTUM) * v + BN_MOMENTUM * m.mean[k] : v));
    const expVar = V.map((v, k) => (k < K ? (1 - BN_MOMENTUM) * v + BN_MOMENTUM * m.unbiased[k] : v));
    expect(maxRelErr(bn.mean.dataSync(), expMean)).toBeLessThan(1e-6);
    expect(maxRelErr(bn.variance.dataSync(), expVar)).toBeLessThan(1e-6);
    // The tail channels are untouched bit for bit.
    expect(Array.from(bn.mean.dataSync()).slice(K)).toEqual(M.slice(K));
    expect(Array.from(bn.variance.dataSync()).slice(K)).toEqual(V.slice(K));
    for (const v of bn.vars.values()) v.dispose();
  });

  it('an inference forward uses the first K running statistics and changes nothing', () => {
    const bn = buildNorm();
    const before = snapshot(bn.vars);
    const x = data(2);
    const y = tf.tidy(() => bn.apply(tf.tensor4d(x, SHAPE), { cond: condition(), rng: new Rng(1) }).dataSync() as Float32Array);
    const expY = Array.from(x, (t, i) => ((t - M[i % K]) / Math.sqrt(V[i % K] + BN_EPSILON)) * G[i % K] + B[i % K]);
    expect(maxRelErr(y, expY)).toBeLessThan(1e-5);
    expect(changedNames(before, snapshot(bn.vars))).toEqual([]);
    for (const v of bn.vars.values()) v.dispose();
  });

  it('gradients reach the first K entries of γ and β only; no tensors leak', () => {
    const bn = buildNorm();
    const x = tf.tensor4d(data(3), SHAPE);
    const start = tf.memory().numTensors;
    for (const training of [true, false]) {
      const { grads, value } = tf.variableGrads(
        () => tf.sum(tf.square(bn.apply(x, { cond: condition({ training }), rng: new Rng(1) }))) as tf.Scalar,
        [bn.gamma, bn.beta],
      );
      const dg = Array.from(grads[bn.gamma.name].dataSync());
      const db = Array.from(grads[bn.beta.name].dataSync());
      expect(dg.slice(K)).toEqual([0, 0]);
      expect(db.slice(K)).toEqual([0, 0]);
      expect(dg.slice(0, K).every((g) => g !== 0)).toBe(true);
      // d/dβ_k Σ y² = 2 Σ y over channel k, which is 2·m·β_k in training (x̂ sums to zero per channel).
      if (training) expect(maxRelErr(db.slice(0, K), B.slice(0, K).map((b) => 2 * (x.size / K) * b))).toBeLessThan(1e-4);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
    for (const v of bn.vars.values()) v.dispose();
  });

  it('rejects an input wider than the layer, naming the layer', () => {
    const bn = buildNorm();
    expect(() => tf.tidy(() => bn.apply(tf.zeros([1, 2, 2, C + 1]) as tf.Tensor4D, { cond: condition(), rng: new Rng(1) }))).toThrow(
      /norm layer bn: input has 6 channels, the layer holds 5/,
    );
    for (const v of bn.vars.values()) v.dispose();
  });

  it('a dense layer whose kernel a transform narrows uses the first outputs of its bias', () => {
    // A stand-in transform that keeps the first 2 of 4 outputs, as a slimmable width does for a body dense.
    const narrow: Plugin = { name: 'narrow', weightTransform: { apply: (w) => tf.slice(w, [0, 0], [w.shape[0], 2]) } };
    const b = new ModelBuilder(new PluginHost([narrow]), new Rng(1));
    const fc = b.dense('fc', 3, 4, 'body');
    const kernel = b.registry.vars.get('fc.kernel')!;
    const bias = b.registry.vars.get('fc.bias')!;
    const xs = [1, 2, -1, 0.5, 0, 3];
    const y = tf.tidy(() => fc(tf.tensor2d(xs, [2, 3]), { cond: condition(), rng: new Rng(1) }).arraySync() as number[][]);
    const w = kernel.arraySync() as number[][];
    const bv = bias.arraySync() as number[];
    const exp = [0, 1].map((r) => [0, 1].map((o) => xs[3 * r] * w[0][o] + xs[3 * r + 1] * w[1][o] + xs[3 * r + 2] * w[2][o] + bv[o]));
    expect(maxRelErr(y.flat(), exp.flat())).toBeLessThan(1e-6);
    for (const v of b.registry.vars.values()) v.dispose();
  });
});
