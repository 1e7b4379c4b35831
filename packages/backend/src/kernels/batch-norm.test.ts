import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { Rng } from '@floatjs/random';
import { maxRelErr } from '@floatjs/engine/testing';
import { batchNormInfer, batchNormTrain } from '@floatjs/engine';

import '@floatjs/engine';

const EPS = 1e-5;
const TOL = 1e-4;

type Shape = [number, number, number, number];
const SHAPES: Shape[] = [
  [4, 5, 6, 3],
  [2, 7, 7, 16],
  [8, 4, 4, 32],
  [1, 9, 3, 5],
];

interface Inputs {
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dy: Float32Array;
}

/** Inputs with a channel-dependent offset and scale, so normalisation is not a near no-op. */
function makeInputs(shape: Shape, seed: number): Inputs {
  const rng = new Rng(seed);
  const c = shape[3];
  const size = shape.reduce((a, b) => a * b, 1);
  const x = rng.fillNormal(new Float32Array(size), 1);
  for (let i = 0; i < size; i++) x[i] = x[i] * (0.5 + (i % c)) + ((i % c) - c / 2);
  const gamma = Float32Array.from({ length: c }, () => 0.5 + rng.nextFloat());
  const beta = rng.fillNormal(new Float32Array(c), 0.5);
  const mean = rng.fillNormal(new Float32Array(c), 1);
  const variance = Float32Array.from({ length: c }, () => 0.2 + 2 * rng.nextFloat());
  const dy = rng.fillNormal(new Float32Array(size), 1);
  return { x, gamma, beta, mean, variance, dy };
}

interface Result {
  y: Float32Array;
  dx: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
  mean?: Float32Array;
  variance?: Float32Array;
}

/** Gradients of Σ y·dy w.r.t. (x, γ, β): the VJP with upstream gradient dy. */
function vjp(shape: Shape, inp: Inputs, f: (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor4D): Result {
  return tf.tidy(() => {
    const x = tf.tensor4d(inp.x, shape);
    const g = tf.tensor1d(inp.gamma);
    const b = tf.tensor1d(inp.beta);
    const dy = tf.tensor4d(inp.dy, shape);
    const y = f(x, g, b);
    const [dx, dg, db] = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor4D, c as tf.Tensor1D, d as tf.Tensor1D), dy)),
    )([x, g, b]);
    return {
      y: y.dataSync() as Float32Array,
      dx: dx.dataSync() as Float32Array,
      dGamma: dg.dataSync() as Float32Array,
      dBeta: db.dataSync() as Float32Array,
    };
  });
}

function referenceTrain(shape: Shape, inp: Inputs): Result {
  const r = vjp(shape, inp, (x, g, b) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, b, g, EPS) as tf.Tensor4D;
  });
  const m = tf.tidy(() => {
    const { mean, variance } = tf.moments(tf.tensor4d(inp.x, shape), [0, 1, 2]);
    return [mean.dataSync() as Float32Array, variance.dataSync() as Float32Array];
  });
  return { ...r, mean: m[0], variance: m[1] };
}

function fusedTrain(shape: Shape, inp: Inputs): Result {
  let stats: { mean: Float32Array; variance: Float32Array } | undefined;
  const r = vjp(shape, inp, (x, g, b) => {
    const out = batchNormTrain(x, g, b, EPS);
    stats = { mean: Float32Array.from(out.mean.dataSync()), variance: Float32Array.from(out.variance.dataSync()) };
    return out.y;
  });
  return { ...r, ...stats! };
}

function referenceInfer(shape: Shape, inp: Inputs): Result {
  return vjp(shape, inp, (x, g, b) => tf.batchNorm(x, tf.tensor1d(inp.mean), tf.tensor1d(inp.variance), b, g, EPS) as tf.Tensor4D);
}

function fusedInfer(shape: Shape, inp: Inputs): Result {
  return vjp(shape, inp, (x, g, b) => batchNormInfer(x, tf.tensor1d(inp.mean), tf.tensor1d(inp.variance), g, b, EPS));
}

function expectClose(got: Result, ref: Result): void {
  expect(got.y.length).toBe(ref.y.length);
  expect(maxRelErr(got.y, ref.y)).toBeLessThan(TOL);
  expect(maxRelErr(got.dx, ref.dx)).toBeLessThan(TOL);
  expect(maxRelErr(got.dGamma, ref.dGamma)).toBeLessThan(TOL);
  expect(maxRelErr(got.dBeta, ref.dBeta)).toBeLessThan(TOL);
  if (ref.mean) expect(maxRelErr(got.mean!, ref.mean)).toBeLessThan(TOL);
  if (ref.variance) expect(maxRelErr(got.variance!, ref.variance)).toBeLessThan(TOL);
}

// Both ways: the native kernels (when built) and the JS/wasm composition (FLOAT_NATIVE=off).
for (const native of ['auto', 'off']) describe(`fused batch norm kernels against tfjs ops (cpu, FLOAT_NATIVE=${native})`, () => {
  beforeAll(async () => {
    await selectBackend('cpu', { FLOAT_NATIVE: native });
  });

  for (const [i, shape] of SHAPES.entries()) {
    it(`training mode ${shape.join('x')}: y, batch moments and d/d(x, γ, β)`, () => {
      const inp = makeInputs(shape, 100 + i);
      const ref = referenceTrain(shape, inp);
      const got = fusedTrain(shape, inp);
      expectClose(got, ref);
      // The training gradient w.r.t. x is not the inference one: it flows through the batch moments.
      const naive = referenceInfer(shape, { ...inp, mean: ref.mean!, variance: ref.variance! });
      expect(maxRelErr(got.dx, naive.dx)).toBeGreaterThan(1e-3);
    });

    it(`inference mode ${shape.join('x')}: y and d/d(x, γ, β)`, () => {
      const inp = makeInputs(shape, 200 + i);
      expectClose(fusedInfer(shape, inp), referenceInfer(shape, inp));
    });
  }

  it('training-mode sums of dβ and x̂·dγ match Σdy and Σdy·x̂ (constant dy gives dx = 0)', () => {
    const shape: Shape = [3, 4, 4, 6];
    const inp = makeInputs(shape, 7);
    inp.dy.fill(1);
    const got = fusedTrain(shape, inp);
    const m = shape[0] * shape[1] * shape[2];
    for (const v of got.dBeta) expect(v).toBeCloseTo(m, 3);
    for (const v of got.dGamma) expect(Math.abs(v)).toBeLessThan(1e-3);
    expect(Math.max(...got.dx.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('does not leak tensors (forward and backward, both modes)', () => {
    const shape = SHAPES[1];
    const inp = makeInputs(shape, 3);
    fusedTrain(shape, inp);
    fusedInfer(shape, inp);
    const before = tf.memory().numTensors;
    fusedTrain(shape, inp);
    fusedInfer(shape, inp);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('fused JS batch norm kernels on wasm against tfjs ops on cpu', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await selectBackend('cpu');
  });

  async function on<T>(backend: 'cpu' | 'wasm', f: () => T): Promise<T> {
    await tf.setBackend(backend);
    return f();
  }

  for (const [i, shape] of SHAPES.slice(0, 2).entries()) {
    it(`training and inference mode ${shape.join('x')}`, async () => {
      const inp = makeInputs(shape, 300 + i);
      const refT = await on('cpu', () => referenceTrain(shape, inp));
      const refI = await on('cpu', () => referenceInfer(shape, inp));
      const gotT = await on('wasm', () => fusedTrain(shape, inp));
      const gotI = await on('wasm', () => fusedInfer(shape, inp));
      expectClose(gotT, refT);
      expectClose(gotI, refI);
    });
  }
});
