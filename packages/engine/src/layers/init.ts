import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';

/** He (Kaiming) normal for ReLU nets: std = sqrt(2 / fan_in), seeded from the engine's generator. */
export function heNormal(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  rng.fillNormal(data, Math.sqrt(2 / fanIn));
  return tf.tensor(data, shape);
}

/** PyTorch's default Linear init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function uniformFanIn(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * bound;
  return tf.tensor(data, shape);
}
