import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../gradients';
import { changedNames, maxRelErr, snapshot, useStockBackend } from '../testing';
import { condition } from '../condition';
import { ModelBuilder, type InputSpec } from '../model';
import { createModel } from '../models/zoo';
import { PluginHost } from '../plugin-host';
import { Rng } from '@floatjs/random';
import { BN_EPSILON, BN_MOMENTUM } from './batch-norm';

const C = 5;
const SHAPE: [number, number, number, number] = [3, 4, 2, C];

function data(seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = rng.fillNormal(new Float32Array(SHAPE.reduce((a, b) => a * b, 1)), 1);
  for (let i = 0; i < x.length; i++) x[i] = x[i] * (1 + (i % C)) + 2 * (i % C) - 3;
  return x;
}

/** Per-channel mean and biased/unbiased variance in double precision. */
function moments(x: Float32Array): { mean: number[]; biased: number[]; unbiased: number[] } {
  const n = x.length / C;
  const mean = Array(C).fill(0);
  const ss = Array(C).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % C] += x[i] / n;
  for (let i = 0; i < x.length; i++) ss[i % C] += (x[i] - mean[i % C]) ** 2;
  return { mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
}

function buildNorm() {
  const b = new ModelBuilder(new PluginHost([]), new Rng(1));
  const apply = b.norm('bn', C);
  const v = (k: string) => b.registry.vars.get(`bn.${k}`)!;
  return { apply, vars: b.registry.vars, mean: v('movingMean'), variance: v('movingVariance'), gamma: v('gamma'), beta: v('beta') };
}

describe.each(['cpu', 'wasm'] as const)('BatchNorm running statistics (%s)', (backend) => {
  beforeAll(async () => {
    await useStockBackend(backend);
  });
  afterAll(async () => {
    await useStockBackend('cpu');
  });

  it('are PyTorch defaults', () => {
    expect(BN_MOMENTUM).toBe(0.1);
    expect(BN_EPSILON).toBe(1e-5);
  });

  it('a training forward updates them with momentum 0.1 and the unbiased batch variance; output uses batch stats', () => {
    const bn = buildNorm();
    const x1 = data(1);
    const x2 = data(2);
    const ctx = { cond: condition({ training: true }), rng: new Rng(1) };
    const y1 = tf.tidy(() => bn.apply(tf.tensor4d(x1, SHAPE), ctx).dataSync() as Float32Array);
    const m1 = moments(x1);
    const expMean1 = m1.mean.map((m) => 0.9 * 0 + 0.1 * m);
    const expVar1 = m1.unbiased.map((v) => 0.9 * 1 + 0.1 * v);
    expect(maxRelErr(bn.mean.dataSync(), expMean1)).toBeLessThan(1e-5);
    expect(maxRelErr(bn.variance.dataSync(), expVar1)).toBeLessThan(1e-5);
    // The batch itself is normalised with the biased variance (γ = 1, β = 0).
    const expY = Array.from(x1, (v, i) => (v - m1.mean[i % C]) / Math.sqrt(m1.biased[i % C] + BN_EPSILON));
    expect(maxRelErr(y1, expY)).toBeLessThan(1e-5);

    tf.tidy(() => bn.apply(tf.tensor4d(x2, SHAPE), ctx));
    const m2 = moments(x2);
    expect(maxRelErr(bn.mean.dataSync(), expMean1.map((m, k) => 0.9 * m + 0.1 * m2.mean[k]))).toBeLessThan(1e-5);
    expect(maxRelErr(bn.variance.dataSync(), expVar1.map((v, k) => 0.9 * v + 0.1 * m2.unbiased[k]))).toBeLessThan(1e-5);
    for (const v of bn.vars.values()) v.dispose();
  });

  it('an inference forward uses and keeps the running statistics', () => {
    const bn = buildNorm();
    tf.tidy(() => {
      bn.mean.assign(tf.tensor1d([1, -1, 0.5, 2, 0]));
      bn.variance.assign(tf.tensor1d([4, 0.25, 1, 9, 2]));
      bn.gamma.assign(tf.tensor1d([1, 2, 0.5, -1, 3]));
      bn.beta.assign(tf.tensor1d([0, 1, -1, 0.5, 0]));
    });
    const before = snapshot(bn.vars);
    const x = data(3);
    const y = tf.tidy(() => bn.apply(tf.tensor4d(x, SHAPE), { cond: condition(), rng: new Rng(1) }).dataSync() as Float32Array);
    const m = [1, -1, 0.5, 2, 0];
    const v = [4, 0.25, 1, 9, 2];
    const g = [1, 2, 0.5, -1, 3];
    const b = [0, 1, -1, 0.5, 0];
    const expY = Array.from(x, (t, i) => ((t - m[i % C]) / Math.sqrt(v[i % C] + BN_EPSILON)) * g[i % C] + b[i % C]);
    expect(maxRelErr(y, expY)).toBeLessThan(1e-5);
    expect(changedNames(before, snapshot(bn.vars))).toEqual([]);
    for (const t of bn.vars.values()) t.dispose();
  });

  it('model.logitsFn forwards (and their gradients) never touch running statistics; training forwards do', () => {
    const spec: InputSpec = { height: 10, width: 10, channels: 1, numClasses: 4 };
    const model = createModel('cnn-s', spec, [], 3);
    const x = tf.randomUniform([4, 10, 10, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 3], 'int32');
    const before = snapshot(model.variables);
    const f = model.logitsFn({});
    tf.tidy(() => f(x));
    // Input gradient, as an attack computes it.
    tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 4), f(xi as tf.Tensor4D)))(x));
    tf.tidy(() => model.forward(x, condition({ training: false })));
    expect(changedNames(before, snapshot(model.variables))).toEqual([]);

    tf.tidy(() => model.forward(x, condition({ training: true })));
    const changed = changedNames(before, snapshot(model.variables)).sort();
    expect(changed).toEqual(['bn1', 'bn2', 'bn3'].flatMap((l) => [`${l}.movingMean`, `${l}.movingVariance`]).sort());
    tf.dispose([x, y]);
    model.dispose();
  });
});
