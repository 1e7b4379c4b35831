import * as tf from '@tensorflow/tfjs-core';
import { loadNativeKernels } from '@floatjs/native-kernels';
import { Rng } from '@floatjs/random';
import { SEEDED_NORMAL, seededNormal } from '@floatjs/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';

const load = loadNativeKernels();

describe('FloatSeededNormal', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it.skipIf(!load.ok)("the native fill gives the JS loop's values bit for bit, and leaves the same state", () => {
    const k = load.ok ? load.kernels : undefined!;
    const pairs = (s: Uint32Array, out: Float32Array, sd: number) => k.normalFill(s, out, sd);
    for (const seed of [1, 7, 123456, 'noise']) {
      for (const [std, lengths] of [[1, [128, 1]], [0.05, [129, 3, 20000]], [2.5, [1, 257, 64 * 1024 + 1]]] as const) {
        const js = new Rng(seed);
        const native = new Rng(seed);
        for (const n of lengths) {
          const want = js.fillNormal(new Float32Array(n), std);
          const got = native.fillNormal(new Float32Array(n), std, pairs);
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `seed ${seed}, length ${n}`).toBe(true);
          expect(native.getState()).toEqual(js.getState());
        }
      }
    }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: the registered kernel's tensor holds fillNormal's values (with and without native kernels), without leaks`, async () => {
      for (const native of ['auto', 'off']) {
        const choice = await selectBackend(backend, { FLOAT_NATIVE: native, FLOAT_THREADS: '1' });
        expect(tf.getKernel(SEEDED_NORMAL, backend) !== undefined).toBe(choice.native !== undefined);
        const viaOp = new Rng(9);
        const plain = new Rng(9);
        const before = tf.memory().numTensors;
        for (const shape of [[3, 3, 4, 8], [5], [1, 1, 1, 1], [3, 3, 64, 64]]) {
          const t = seededNormal(viaOp, shape, 0.3);
          const want = plain.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 0.3);
          expect(t.shape).toEqual(shape);
          expect(Buffer.from((t.dataSync() as Float32Array).buffer).equals(Buffer.from(want.buffer)), `${native} ${shape}`).toBe(true);
          t.dispose();
        }
        expect(viaOp.getState()).toEqual(plain.getState());
        expect(tf.memory().numTensors).toBe(before);
      }
    });
  }
});
