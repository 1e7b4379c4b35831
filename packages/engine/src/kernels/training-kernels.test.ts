import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from './register-training-kernels';
import { Rng } from '../rng';
import { maxRelErr } from '../testing';

type Case = { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' | number };

const CASES: Case[] = [
  { n: 2, h: 7, w: 9, ci: 3, co: 5, k: 3, s: 1, pad: 'same' },
  { n: 2, h: 7, w: 9, ci: 3, co: 5, k: 3, s: 2, pad: 'same' },
  { n: 3, h: 8, w: 8, ci: 4, co: 6, k: 3, s: 2, pad: 1 },
  { n: 2, h: 11, w: 6, ci: 5, co: 2, k: 3, s: 1, pad: 'valid' },
  { n: 2, h: 11, w: 7, ci: 5, co: 4, k: 3, s: 2, pad: 'valid' },
  { n: 2, h: 9, w: 9, ci: 6, co: 3, k: 1, s: 1, pad: 'same' },
  { n: 2, h: 9, w: 10, ci: 6, co: 8, k: 1, s: 2, pad: 0 },
  { n: 1, h: 5, w: 5, ci: 1, co: 7, k: 5, s: 1, pad: 2 },
  { n: 4, h: 28, w: 28, ci: 1, co: 32, k: 3, s: 1, pad: 1 },
  { n: 2, h: 32, w: 32, ci: 16, co: 32, k: 3, s: 2, pad: 1 },
  // Strided cases for the polyphase dx: even input with 'same' (pad only after), stride 3, even and large
  // kernels, a stride larger than the kernel (phases that no tap reaches), and padding beyond the kernel.
  { n: 2, h: 28, w: 28, ci: 8, co: 12, k: 3, s: 2, pad: 'same' },
  { n: 2, h: 13, w: 11, ci: 3, co: 4, k: 5, s: 2, pad: 'same' },
  { n: 2, h: 10, w: 13, ci: 3, co: 5, k: 3, s: 3, pad: 'same' },
  { n: 1, h: 9, w: 8, ci: 2, co: 3, k: 2, s: 2, pad: 'valid' },
  { n: 2, h: 10, w: 9, ci: 4, co: 3, k: 1, s: 3, pad: 'valid' },
  { n: 1, h: 7, w: 7, ci: 2, co: 3, k: 3, s: 2, pad: 4 },
  { n: 2, h: 12, w: 7, ci: 3, co: 2, k: 4, s: 3, pad: 2 },
  // Stride 1 with 16+ input channels: dW goes through the swapped-roles conv (odd sizes, valid, 1x1, 5x5).
  { n: 3, h: 9, w: 7, ci: 16, co: 5, k: 3, s: 1, pad: 'same' },
  { n: 2, h: 8, w: 11, ci: 17, co: 3, k: 3, s: 1, pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 16, co: 4, k: 1, s: 1, pad: 0 },
  { n: 1, h: 9, w: 9, ci: 20, co: 6, k: 5, s: 1, pad: 2 },
];

function randomArray(size: number, rng: Rng): Float32Array {
  return rng.fillNormal(new Float32Array(size), 1);
}

function gradsOn(backend: string, c: Case, xData: Float32Array, wData: Float32Array, dyData: Float32Array | null) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xData, [c.n, c.h, c.w, c.ci]);
    const w = tf.tensor4d(wData, [c.k, c.k, c.ci, c.co]);
    const y = tf.conv2d(x, w, c.s, c.pad);
    const dy = tf.tensor(dyData ?? randomArray(y.size, new Rng(7)), y.shape) as tf.Tensor4D;
    const dx = tf.conv2dTranspose(dy, w, x.shape, c.s, c.pad);
    // tf.grads goes through the Conv2D gradient, i.e. the registered backprop kernels.
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w]);
    return { y: y.dataSync(), dx: dx.dataSync(), gx: gx.dataSync(), gw: gw.dataSync() };
  });
}


describe('wasm training kernels against the cpu backend', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.setBackend('wasm');
    registerTrainingKernels('wasm');
  });

  for (const c of CASES) {
    it(`k${c.k} s${c.s} pad ${c.pad} ${c.n}x${c.h}x${c.w}x${c.ci}→${c.co}`, () => {
      const rng = new Rng(c.h * 100 + c.w + c.k);
      const xData = randomArray(c.n * c.h * c.w * c.ci, rng);
      const wData = randomArray(c.k * c.k * c.ci * c.co, rng);
      const ref = gradsOn('cpu', c, xData, wData, null);
      const got = gradsOn('wasm', c, xData, wData, null);
      expect(got.gx.length).toBe(ref.gx.length);
      expect(got.dx.length).toBe(ref.dx.length);
      expect(maxRelErr(got.gw, ref.gw)).toBeLessThan(1e-4);
      expect(maxRelErr(got.gx, ref.gx)).toBeLessThan(1e-4);
      expect(maxRelErr(got.dx, ref.dx)).toBeLessThan(1e-4);
    });
  }

  it('does not leak tensors', () => {
    tf.setBackend('wasm');
    const c = CASES[2];
    const rng = new Rng(3);
    const xData = randomArray(c.n * c.h * c.w * c.ci, rng);
    const wData = randomArray(c.k * c.k * c.ci * c.co, rng);
    gradsOn('wasm', c, xData, wData, null);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) gradsOn('wasm', c, xData, wData, null);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('wasm Identity', () => {
  it('shares storage: a clone outlives its source, and the last user frees the buffer', async () => {
    await tf.setBackend('wasm');
    registerTrainingKernels('wasm');
    const buffers = tf.memory().numDataBuffers;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers);
    const wasm = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const live = wasm.dataIdMap.numDataIds();
    const z = tf.tensor1d([4]);
    tf.dispose([tf.clone(z), z]);
    expect(wasm.dataIdMap.numDataIds()).toBe(live);
  });
});

// Runs after the wasm suite: registering on cpu replaces the stock kernels used as the reference above.
describe('cpu training kernels against the stock cpu kernels', () => {
  it('agree on every case', async () => {
    await tf.setBackend('cpu');
    const refs = CASES.map((c) => {
      const rng = new Rng(c.h * 100 + c.w + c.k);
      const xData = randomArray(c.n * c.h * c.w * c.ci, rng);
      const wData = randomArray(c.k * c.k * c.ci * c.co, rng);
      return { c, xData, wData, ref: gradsOn('cpu', c, xData, wData, null) };
    });
    registerTrainingKernels('cpu');
    for (const { c, xData, wData, ref } of refs) {
      const got = gradsOn('cpu', c, xData, wData, null);
      expect(maxRelErr(got.gw, ref.gw), JSON.stringify(c)).toBeLessThan(1e-4);
      expect(maxRelErr(got.gx, ref.gx), JSON.stringify(c)).toBeLessThan(1e-4);
      expect(maxRelErr(got.dx, ref.dx), JSON.stringify(c)).toBeLessThan(1e-4);
    }
  }, 60_000);
});
