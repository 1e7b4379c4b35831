import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { Rng } from '@floatjs/random';
import { bitEqual } from '@floatjs/engine/testing';
import { nativeKernelsFor } from './native-registry';
import { relu } from '@floatjs/engine';

describe('relu (native gradient where native kernels serve the backend)', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: output equals tf.relu's bit for bit, the gradient value for value, and nothing leaks`, async () => {
      await selectBackend(backend);
      const data = new Rng(3).fillNormal(new Float32Array(4 * 7 * 5 * 9), 1);
      data[0] = 0;
      data[1] = -0;
      const x = tf.tensor4d(data, [4, 7, 5, 9]);
      const dy = tf.tensor4d(new Rng(4).fillNormal(new Float32Array(x.size), 1), x.shape);
      const ours = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(relu(a), dy)))(x);
      const theirs = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x);
      // Equal values (tfjs's dy·step(x) gives −0 where dy < 0 is masked; the native kernel gives +0).
      const a = ours.dataSync();
      const b = theirs.dataSync();
      expect(a.length).toBe(b.length);
      expect(a.every((v, i) => v === b[i])).toBe(true);
      expect(bitEqual(relu(x).dataSync() as Float32Array, tf.relu(x).dataSync() as Float32Array)).toBe(true);
      tf.dispose([ours, theirs]);
      const before = tf.memory().numTensors;
      tf.dispose(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(relu(a), dy)))(x));
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, dy]);
    });
  }

  it('falls back to tf.relu when no native kernels serve the backend', async () => {
    await selectBackend('cpu', { FLOAT_NATIVE: 'off' });
    expect(nativeKernelsFor()).toBeUndefined();
    const x = tf.tensor1d([-1, 2]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(relu(a)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1]);
    tf.dispose([x, g]);
  });
});
