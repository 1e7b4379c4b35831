import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyPerSample } from '../cross-entropy';
import type { LogitsFn } from '../types';

/** max |a − b| over all elements. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

export function minMax(t: tf.Tensor): [number, number] {
  return tf.tidy(() => [tf.min(t).dataSync()[0], tf.max(t).dataSync()[0]]);
}

/** Per-sample cross-entropy of a deterministic model at x, as a plain array. */
export function lossPerSample(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D): Float32Array {
  return tf.tidy(() => crossEntropyPerSample(logitsFn(x), y).dataSync() as Float32Array);
}

export function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/** clip01(x + U(−ε, ε)): the random-noise baseline with the attack's budget. */
export function uniformNoise(x: tf.Tensor4D, eps: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add<tf.Tensor4D>(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed)), 0, 1));
}
