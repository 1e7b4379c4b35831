import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyPerSample } from '../cross-entropy';
import type { LogitsFn } from '../types';
import { Rng } from './rng';

export type TestModel = { logitsFn: LogitsFn; dispose: () => void };

type ImageShape = [height: number, width: number, channels: number];

function tensorFrom(rng: Rng, shape: number[], std: number): tf.Tensor {
  return tf.tensor(rng.normals(shape.reduce((a, b) => a * b, 1), std), shape);
}

/** Deterministic random MLP: flatten → dense(hidden) → tanh → dense(classes). */
export function randomMlp(seed: number, [h, w, c]: ImageShape, hidden: number, classes: number): TestModel {
  const rng = new Rng(seed);
  const inputs = h * w * c;
  const w1 = tensorFrom(rng, [inputs, hidden], 2 / Math.sqrt(inputs)) as tf.Tensor2D;
  const b1 = tensorFrom(rng, [hidden], 0.5) as tf.Tensor1D;
  const w2 = tensorFrom(rng, [hidden, classes], 2 / Math.sqrt(hidden)) as tf.Tensor2D;
  const b2 = tensorFrom(rng, [classes], 0.5) as tf.Tensor1D;
  return {
    logitsFn: (x) =>
      tf.tidy(() => {
        const flat = tf.reshape<tf.Rank.R2>(x, [x.shape[0], inputs]);
        return tf.add<tf.Tensor2D>(tf.matMul(tf.tanh(tf.add(tf.matMul(flat, w1), b1)), w2), b2);
      }),
    dispose: () => tf.dispose([w1, b1, w2, b2]),
  };
}

/** Deterministic random conv net: conv3x3(filters, 'same') → relu → flatten → dense(classes). */
export function randomConvNet(seed: number, [h, w, c]: ImageShape, filters: number, classes: number): TestModel {
  const rng = new Rng(seed);
  const kernel = tensorFrom(rng, [3, 3, c, filters], Math.sqrt(2 / (9 * c))) as tf.Tensor4D;
  const bias = tensorFrom(rng, [filters], 0.1) as tf.Tensor1D;
  const dense = tensorFrom(rng, [h * w * filters, classes], 1 / Math.sqrt(h * w * filters)) as tf.Tensor2D;
  return {
    logitsFn: (x) => convForward(x, kernel, bias, dense),
    dispose: () => tf.dispose([kernel, bias, dense]),
  };
}

function convForward(x: tf.Tensor4D, kernel: tf.Tensor4D, bias: tf.Tensor1D, dense: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const features = tf.relu(tf.add(tf.conv2d(x, kernel, 1, 'same'), bias));
    return tf.matMul(tf.reshape<tf.Rank.R2>(features, [x.shape[0], -1]), dense);
  });
}

/**
 * Images in [0, 1] with about a quarter of the pixels exactly 0 and a quarter exactly 1, so that
 * clipping at both ends of the image range is exercised.
 */
/**
 * A randomized linear model: every call draws fresh weight noise, W + σ·N(0, 1), from a seeded stream
 * (call k uses seed + k), and counts its calls. Stands in for a model with noise injection.
 */
export function noisyLinearModel(
  seed: number,
  [h, w, c]: ImageShape,
  classes: number,
  sigma: number,
): TestModel & { calls: () => number } {
  const rng = new Rng(seed);
  const inputs = h * w * c;
  const weights = tensorFrom(rng, [inputs, classes], 1 / Math.sqrt(inputs)) as tf.Tensor2D;
  let calls = 0;
  return {
    logitsFn: (x) =>
      tf.tidy(() => {
        const noise = tf.randomNormal([inputs, classes], 0, sigma, 'float32', seed * 7919 + calls++);
        return tf.matMul(tf.reshape<tf.Rank.R2>(x, [x.shape[0], inputs]), tf.add(weights, noise));
      }),
    dispose: () => weights.dispose(),
    calls: () => calls,
  };
}

export function randomImages(seed: number, [n, h, w, c]: [number, ...ImageShape]): tf.Tensor4D {
  const rng = new Rng(seed);
  const values = new Float32Array(n * h * w * c);
  for (let i = 0; i < values.length; i++) {
    const r = rng.next();
    values[i] = r < 0.25 ? 0 : r < 0.5 ? 1 : rng.next();
  }
  return tf.tensor4d(values, [n, h, w, c]);
}

export function randomLabels(seed: number, n: number, classes: number): tf.Tensor1D {
  const rng = new Rng(seed);
  return tf.tensor1d(Array.from({ length: n }, () => rng.int(classes)), 'int32');
}

export const PATTERN_CLASSES = 4;
export const PATTERN_SIZE = 8;

/**
 * A learnable synthetic task on 8×8×1 images: 0 horizontal stripes, 1 vertical stripes, 2 checkerboard,
 * 3 double-width horizontal stripes; each with a random phase, an amplitude in [0.1, 0.25] around 0.5
 * and Gaussian pixel noise (σ = 0.1), clipped to [0, 1]. Labels cycle 0..3, so classes are balanced.
 */
export function patternDataset(seed: number, n: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const s = PATTERN_SIZE;
  const values = new Float32Array(n * s * s);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const label = k % PATTERN_CLASSES;
    labels[k] = label;
    const phase = rng.int(4);
    const amplitude = rng.uniform(0.1, 0.25);
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        const on = patternBit(label, i, j, phase);
        const value = 0.5 + amplitude * (on ? 1 : -1) + 0.1 * rng.normal();
        values[k * s * s + i * s + j] = Math.min(1, Math.max(0, value));
      }
    }
  }
  return { x: tf.tensor4d(values, [n, s, s, 1]), y: tf.tensor1d(labels, 'int32') };
}

function patternBit(label: number, i: number, j: number, phase: number): boolean {
  switch (label) {
    case 0:
      return (i + phase) % 2 === 0;
    case 1:
      return (j + phase) % 2 === 0;
    case 2:
      return (i + j + phase) % 2 === 0;
    default:
      return Math.floor((i + phase) / 2) % 2 === 0;
  }
}

export type TrainOptions = { seed: number; epochs: number; batchSize: number; learningRate: number; hidden: number };

/**
 * Trains flatten → dense(hidden) → relu → dense(classes) on (x, y) with plain minibatch SGD on the mean
 * cross-entropy (seeded init and shuffling). The returned `logitsFn` is deterministic.
 */
export function trainMlp(x: tf.Tensor4D, y: tf.Tensor1D, options: TrainOptions): TestModel {
  const { seed, epochs, batchSize, learningRate, hidden } = options;
  const rng = new Rng(seed);
  const [n, h, w, c] = x.shape;
  const inputs = h * w * c;
  const w1 = tf.variable(tensorFrom(rng, [inputs, hidden], Math.sqrt(2 / inputs))) as tf.Variable<tf.Rank.R2>;
  const b1 = tf.variable(tf.zeros([hidden])) as tf.Variable<tf.Rank.R1>;
  const w2 = tf.variable(tensorFrom(rng, [hidden, PATTERN_CLASSES], Math.sqrt(1 / hidden))) as tf.Variable<tf.Rank.R2>;
  const b2 = tf.variable(tf.zeros([PATTERN_CLASSES])) as tf.Variable<tf.Rank.R1>;
  const variables = [w1, b1, w2, b2];
  const logitsFn: LogitsFn = (input) =>
    tf.tidy(() => {
      const flat = tf.reshape<tf.Rank.R2>(input, [input.shape[0], inputs]);
      return tf.add<tf.Tensor2D>(tf.matMul(tf.relu(tf.add(tf.matMul(flat, w1), b1)), w2), b2);
    });
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = rng.permutation(n);
    for (let start = 0; start < n; start += batchSize) {
      tf.tidy(() => {
        const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        const xb = tf.gather(x, idx);
        const yb = tf.gather(y, idx);
        const { grads } = tf.variableGrads(() => tf.mean(crossEntropyPerSample(logitsFn(xb), yb)) as tf.Scalar, variables);
        for (const v of variables) v.assign(tf.sub(v, tf.mul(grads[v.name], learningRate)));
      });
    }
  }
  return { logitsFn, dispose: () => tf.dispose(variables) };
}
