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

/**
 * Training-mode batch norm over N·H·W. The per-channel sums are read in JS (one or two read-only passes,
 * in double precision); every full-size write is a per-channel multiply-add in the backend's SIMD kernels,
 * which on wasm run 5-10× faster than JS stores into its shared heap. tfjs's own gradient instead tiles
 * the per-channel factors to the full shape. Gradient (x̂ = (x − μ)·r, r = 1/√(σ² + ε), m = N·H·W):
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/m − x̂·dγ/m).
 * Only for backends whose memory JS can read (wasm, cpu); elsewhere use tfjs ops.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainResult {
  const native = nativeKernelsFor();
  if (native) return batchNormTrainNative(native, x, gamma, beta, epsilon);
  const c = x.shape[3];
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const rstd = new Float32Array(c);
  const backend = tf.backend();
  const fn = (xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const xs = floatView(backend, xt);
    channelMoments(xs, c, mean, variance);
    for (let k = 0; k < c; k++) rstd[k] = 1 / Math.sqrt(variance[k] + epsilon);
    const gs = floatView(backend, g);
    const bs = floatView(backend, b);
    const scale = new Float32Array(c);
    const shift = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      scale[k] = gs[k] * rstd[k];
      shift[k] = bs[k] - mean[k] * scale[k];
    }
    const y = channelAffine(xt, scale, shift);
    save([xt, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs0, g0] = saved;
        const dBeta = new Float32Array(c);
        const dGamma = new Float32Array(c);
        const xs = floatView(backend, xs0);
        const dys = floatView(backend, dy);
        const gs = floatView(backend, g0);
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
        const dx = channelAffine(dy, a, cc, xs0, bb);
        return [dx, tf.tensor1d(dGamma), tf.tensor1d(dBeta)];
      },
    };
  };
  // customGrad's typing wants variadic inputs; the arity here is fixed (x, γ, β, save).
  const op = tf.customGrad(fn as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
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

/**
 * The same batch norm and gradient as one native pass each (statistics, output; sums, dx), multi-threaded
 * and with double-precision sums, reading and writing the backend's memory in place.
 */
function batchNormTrainNative(native: NativeKernels, x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainResult {
  const c = x.shape[3];
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const backend = tf.backend();
  const fn = (xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = outputTensor(xt.shape, (out) => native.batchNormTrain(floatView(backend, xt), floatView(backend, g), floatView(backend, b), out, mean, variance, c, epsilon), true);
    save([xt, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs0, g0] = saved;
        const dGamma = new Float32Array(c);
        const dBeta = new Float32Array(c);
        const dx = outputTensor(xs0.shape, (out) =>
          native.batchNormTrainGrad(floatView(backend, xs0), floatView(backend, dy), floatView(backend, g0), mean, variance, out, dGamma, dBeta, c, epsilon), true);
        return [dx, tf.tensor1d(dGamma), tf.tensor1d(dBeta)];
      },
    };
  };
  const op = tf.customGrad(fn as unknown as Parameters<typeof tf.customGrad>[0]);
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
}
