import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainingKernels } from './register-training-kernels';
import { Rng } from '@floatjs/random';
import { CASES, gradsOn, randomArray } from './test-utils/conv-cases';
import { maxRelErr } from '@floatjs/engine/testing';

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
