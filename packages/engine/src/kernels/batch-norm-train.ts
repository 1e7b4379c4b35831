import * as tf from '@tensorflow/tfjs-core';
import type { NativeKernels } from '@floatjs/native-kernels';
import { nativeKernelsFor } from './native-registry';
import { floatView, outputTensor } from './tensor-memory';

export interface BatchNormTrainResult {
  y: tf.Tensor4D;
  /** Batch mean per channel. */
  mean: Float32Array;
  /** Biased batch variance per channel (what normalises the batch). */
  variance: Float32Array;
}

/** The two passes of training batch norm over [N·H·W, C], with the batch statistics in `mean`/`variance`. */
interface BatchNormPasses {
  /** y from x, γ and β; fills mean and variance. */
  forward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor;
  /** dx, dγ and dβ from x, γ and dy, with the statistics the forward filled. */
  backward(x: tf.Tensor, gamma: tf.Tensor, dy: tf.Tensor): [tf.Tensor, Float32Array, Float32Array];
}

/**
 * Training-mode batch norm over N·H·W, as one taped op whose gradient is computed directly (tfjs's own
 * gradient tiles the per-channel factors to the full shape). With native kernels serving the backend, each
 * direction is one multi-threaded native pass; otherwise the per-channel sums are read in JS (double
 * precision) and every full-size write is a per-channel multiply-add in the backend's SIMD kernels, which on
 * wasm run 5-10× faster than JS stores into its shared heap. Gradient (x̂ = (x − μ)·r, r = 1/√(σ² + ε),
 * m = N·H·W):  dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/m − x̂·dγ/m).
 * Only for backends whose memory JS can read (wasm, cpu); elsewhere use tfjs ops.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainResult {
  const c = x.shape[3];
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const native = nativeKernelsFor();
  const passes = native ? nativePasses(native, c, epsilon, mean, variance) : jsPasses(c, epsilon, mean, variance);
  const fn = (xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = passes.forward(xt, g, b);
    save([xt, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs, gs]: tf.Tensor[]) => {
        const [dx, dGamma, dBeta] = passes.backward(xs, gs, dy);
        return [dx, tf.tensor1d(dGamma), tf.tensor1d(dBeta)];
      },
    };
  };
  // customGrad's typing wants variadic inputs; the arity here is fixed (x, γ, β, save).
  const op = tf.customGrad(fn as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
}

/** One native pass each way: statistics and output; sums and dx (double-precision sums, multi-threaded). */
function nativePasses(native: NativeKernels, c: number, epsilon: number, mean: Float32Array, variance: Float32Array): BatchNormPasses {
  const backend = tf.backend();
  return {
    forward: (x, g, b) =>
      outputTensor(x.shape, (out) => native.batchNormTrain(floatView(backend, x), floatView(backend, g), floatView(backend, b), out, mean, variance, c, epsilon), true),
    backward: (x, g, dy) => {
      const dGamma = new Float32Array(c);
      const dBeta = new Float32Array(c);
      const dx = outputTensor(x.shape, (out) =>
        native.batchNormTrainGrad(floatView(backend, x), floatView(backend, dy), floatView(backend, g), mean, variance, out, dGamma, dBeta, c, epsilon), true);
      return [dx, dGamma, dBeta];
    },
  };
}

/** Sums in JS (double precision), full-size writes as per-channel multiply-adds in the backend's kernels. */
function jsPasses(c: number, epsilon: number, mean: Float32Array, variance: Float32Array): BatchNormPasses {
  const backend = tf.backend();
  const rstd = new Float32Array(c);
  return {
    forward: (x, g, b) => {
      channelMoments(floatView(backend, x), c, mean, variance);
      for (let k = 0; k < c; k++) rstd[k] = 1 / Math.sqrt(variance[k] + epsilon);
      const gs = floatView(backend, g);
      const bs = floatView(backend, b);
      const scale = new Float32Array(c);
      const shift = new Float32Array(c);
      for (let k = 0; k < c; k++) {
        scale[k] = gs[k] * rstd[k];
        shift[k] = bs[k] - mean[k] * scale[k];
      }
      return channelAffine(x, scale, shift);
    },
    backward: (x, g, dy) => {
      const xs = floatView(backend, x);
      const dys = floatView(backend, dy);
      const gs = floatView(backend, g);
      const sumDy = new Float64Array(c);
      const sumDyXh = new Float64Array(c);
      for (let i = 0; i < xs.length; i += c) {
        for (let k = 0; k < c; k++) {
          const d = dys[i + k];
          sumDy[k] += d;
          sumDyXh[k] += d * (xs[i + k] - mean[k]);
        }
      }
      const m = xs.length / c;
      const dBeta = new Float32Array(c);
      const dGamma = new Float32Array(c);
      const a = new Float32Array(c);
      const bb = new Float32Array(c);
      const cc = new Float32Array(c);
      for (let k = 0; k < c; k++) {
        dBeta[k] = sumDy[k];
        dGamma[k] = sumDyXh[k] * rstd[k];
        // dx = a·dy + bb·x + cc: two per-channel scalings and a shift.
        a[k] = gs[k] * rstd[k];
        bb[k] = (-a[k] * rstd[k] * dGamma[k]) / m;
        cc[k] = (-a[k] * sumDy[k]) / m - bb[k] * mean[k];
      }
      return [channelAffine(dy, a, cc, x, bb), dGamma, dBeta];
    },
  };
}

/** Per-channel mean and biased variance of an [..., C] array, accumulated in double precision. */
function channelMoments(xs: Float32Array, c: number, mean: Float32Array, variance: Float32Array): void {
  const s = new Float64Array(c);
  const s2 = new Float64Array(c);
  for (let i = 0; i < xs.length; i += c) for (let k = 0; k < c; k++) s[k] += xs[i + k];
  const m = xs.length / c;
  for (let k = 0; k < c; k++) mean[k] = s[k] / m;
  for (let i = 0; i < xs.length; i += c) {
    for (let k = 0; k < c; k++) {
      const d = xs[i + k] - mean[k];
      s2[k] += d * d;
    }
  }
  for (let k = 0; k < c; k++) variance[k] = s2[k] / m;
}

/** x·scale + shift (+ x2·scale2), with per-channel [C] factors broadcast over N·H·W. */
function channelAffine(x: tf.Tensor, scale: Float32Array, shift: Float32Array, x2?: tf.Tensor, scale2?: Float32Array): tf.Tensor4D {
  return tf.tidy(() => {
    let y = tf.add(tf.mul(x, tf.tensor1d(scale)), tf.tensor1d(shift));
    if (x2 && scale2) y = tf.add(y, tf.mul(x2, tf.tensor1d(scale2)));
    return y as tf.Tensor4D;
  });
}
