import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import '../gradients';
import { bitEqual, useStockBackend } from '../testing';
import { Rng } from '@floatjs/random';
import { globalAvgPool } from './global-avg-pool';

describe('globalAvgPool', () => {
  afterAll(async () => {
    await useStockBackend('cpu');
  });
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: forward and gradient are bit-identical to tf.mean over [1, 2], without leaks`, async () => {
      await useStockBackend(backend);
      const shape: [number, number, number, number] = [3, 5, 4, 6];
      const x = tf.tensor4d(new Rng(2).fillNormal(new Float32Array(3 * 5 * 4 * 6), 1), shape);
      const cot = tf.tensor2d(new Rng(3).fillNormal(new Float32Array(3 * 6), 1), [3, 6]);
      const run = (f: (t: tf.Tensor4D) => tf.Tensor) => tf.tidy(() => ({
        y: f(x).dataSync() as Float32Array,
        dx: tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor4D), cot)))(x).dataSync() as Float32Array,
      }));
      const ref = run((t) => tf.mean(t, [1, 2]));
      const got = run(globalAvgPool);
      expect(bitEqual(got.y, ref.y)).toBe(true);
      expect(bitEqual(got.dx, ref.dx)).toBe(true);
      // dx spreads dy/(H·W) evenly: every pixel of a channel gets the same value.
      expect(got.dx[0]).toBe(got.dx[6]);
      const before = tf.memory().numTensors;
      run(globalAvgPool);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, cot]);
    });
  }
});
