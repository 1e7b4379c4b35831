import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { loadNativeKernels, type NativeKernels } from '@floatjs/native-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@floatjs/random';
import { maxRelErr } from '@floatjs/engine/testing';
import { registerTrainingKernels } from './register-training-kernels';
import { CASES, gradsOn, randomArray, type Case } from './test-utils/conv-cases';

const load = loadNativeKernels();
const calls = { conv2d: 0, conv2dBackpropInput: 0, conv2dBackpropFilter: 0 };

/** The addon, counting calls of each kernel. */
function countingKernels(): NativeKernels | undefined {
  if (!load.ok) return undefined;
  const k = load.kernels;
  return {
    ...k,
    conv2d: (...a) => (calls.conv2d++, k.conv2d(...a)),
    conv2dBackpropInput: (...a) => (calls.conv2dBackpropInput++, k.conv2dBackpropInput(...a)),
    conv2dBackpropFilter: (...a) => (calls.conv2dBackpropFilter++, k.conv2dBackpropFilter(...a)),
  };
}

function dataOf(c: Case) {
  const rng = new Rng(c.h * 100 + c.w + c.k);
  return { xData: randomArray(c.n * c.h * c.w * c.ci, rng), wData: randomArray(c.k * c.k * c.ci * c.co, rng), bias: randomArray(c.co, rng) };
}

/** tf.fused.conv2d with a bias and ReLU, and its three gradients. */
function fusedOn(backend: string, c: Case, xData: Float32Array, wData: Float32Array, bData: Float32Array) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xData, [c.n, c.h, c.w, c.ci]);
    const w = tf.tensor4d(wData, [c.k, c.k, c.ci, c.co]);
    const b = tf.tensor1d(bData);
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.fused.conv2d({ x: xx as tf.Tensor4D, filter: ww as tf.Tensor4D, bias: bb, strides: c.s, pad: c.pad, activation: 'relu' });
    const y = f(x, w, b);
    const [gx, gw, gb] = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), tf.sin(f(xx, ww, bb)))))([x, w, b]);
    return { y: y.dataSync(), gx: gx.dataSync(), gw: gw.dataSync(), gb: gb.dataSync() };
  });
}

describe.skipIf(!load.ok)('native kernels registered on tfjs backends, against the stock cpu kernels', () => {
  // References first: registering the native kernels on cpu replaces the stock ones.
  let refs: Array<{ c: Case; ref: ReturnType<typeof gradsOn>; fused: ReturnType<typeof fusedOn> }>;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.setBackend('cpu');
    refs = CASES.map((c) => {
      const d = dataOf(c);
      return { c, ref: gradsOn('cpu', c, d.xData, d.wData, null), fused: fusedOn('cpu', c, d.xData, d.wData, d.bias) };
    });
    const native = countingKernels();
    registerTrainingKernels('cpu', { native });
    registerTrainingKernels('wasm', { native });
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`${backend}: conv2d, its input and filter gradients, conv2dTranspose and fused conv2d (bias, ReLU) agree within 1e-4`, () => {
      for (const { c, ref, fused } of refs) {
        const d = dataOf(c);
        const got = gradsOn(backend, c, d.xData, d.wData, null);
        const label = JSON.stringify(c);
        expect(maxRelErr(got.y, ref.y), `${label} y`).toBeLessThan(1e-4);
        expect(maxRelErr(got.gw, ref.gw), `${label} dW`).toBeLessThan(1e-4);
        expect(maxRelErr(got.gx, ref.gx), `${label} dx`).toBeLessThan(1e-4);
        expect(maxRelErr(got.dx, ref.dx), `${label} transpose`).toBeLessThan(1e-4);
        const f = fusedOn(backend, c, d.xData, d.wData, d.bias);
        expect(maxRelErr(f.y, fused.y), `${label} fused y`).toBeLessThan(1e-4);
        expect(maxRelErr(f.gx, fused.gx), `${label} fused dx`).toBeLessThan(1e-4);
        expect(maxRelErr(f.gw, fused.gw), `${label} fused dW`).toBeLessThan(1e-4);
        expect(maxRelErr(f.gb, fused.gb), `${label} fused db`).toBeLessThan(1e-4);
      }
    });

    it(`${backend}: runs the native kernels (not the stock ones) and leaks no tensor`, () => {
      tf.setBackend(backend);
      const c = CASES[2];
      const d = dataOf(c);
      gradsOn(backend, c, d.xData, d.wData, null);
      const before = tf.memory().numTensors;
      const counted = { ...calls };
      for (let i = 0; i < 5; i++) gradsOn(backend, c, d.xData, d.wData, null);
      expect(tf.memory().numTensors).toBe(before);
      // Per run: conv2d twice (y, and inside tf.grads), dx twice (the gradient and conv2dTranspose), dW once.
      expect(calls.conv2d - counted.conv2d).toBe(10);
      expect(calls.conv2dBackpropInput - counted.conv2dBackpropInput).toBe(10);
      expect(calls.conv2dBackpropFilter - counted.conv2dBackpropFilter).toBe(5);
    });
  }

  it('falls back to the stock kernel for activations the native kernel does not fuse', () => {
    tf.setBackend('wasm');
    const x = tf.tensor4d(randomArray(2 * 5 * 5 * 3, new Rng(1)), [2, 5, 5, 3]);
    const w = tf.tensor4d(randomArray(3 * 3 * 3 * 4, new Rng(2)), [3, 3, 3, 4]);
    const got = tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', activation: 'elu' });
    const want = tf.elu(tf.conv2d(x, w, 1, 'same'));
    expect(maxRelErr(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, w, got, want]);
  });

  it('switches back to the JS/wasm kernels, restoring the stock forward convolution', () => {
    registerTrainingKernels('wasm');
    const c = CASES[9];
    const d = dataOf(c);
    const ref = refs[9].ref;
    const counted = { ...calls };
    const got = gradsOn('wasm', c, d.xData, d.wData, null);
    expect(calls).toEqual(counted);
    expect(maxRelErr(got.gx, ref.gx)).toBeLessThan(1e-4);
    expect(maxRelErr(got.gw, ref.gw)).toBeLessThan(1e-4);
  });
});
