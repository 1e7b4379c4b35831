import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@floatjs/random';

/**
 * How conv kernels start. `pytorch` is torch.nn.Conv2d's default, kaiming_uniform with a = √5, i.e.
 * U(±1/√fan_in): the scale the FLOAT and OAT reference models train from. Every conv here is followed by BN,
 * so the starting scale sets the effective learning rate of the kernels; He-normal's √6× larger scale
 * trains measurably worse on the reference recipes. `he-normal` is what recipes without an `init` field used.
 */
export type ConvInit = 'pytorch' | 'he-normal';

export const CONV_INITS: readonly ConvInit[] = ['pytorch', 'he-normal'];

/** The conv kernel init of this kind. */
export function convKernelInit(init: ConvInit, shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  if (init === 'pytorch') return uniformFanIn(shape, fanIn, rng);
  if (init === 'he-normal') return heNormal(shape, fanIn, rng);
  throw new Error(`unknown conv init "${String(init)}"; expected one of: ${CONV_INITS.join(', ')}`);
}

/** He (Kaiming) normal for ReLU nets: std = sqrt(2 / fan_in), seeded from the engine's generator. */
export function heNormal(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  rng.fillNormal(data, Math.sqrt(2 / fanIn));
  return tf.tensor(data, shape);
}

/** PyTorch's default Linear (and Conv2d: kaiming_uniform, a = √5) init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function uniformFanIn(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < data.length; i++) data[i] = (rng.nextFloat() * 2 - 1) * bound;
  return tf.tensor(data, shape);
}
