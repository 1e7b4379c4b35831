import * as tf from '@tensorflow/tfjs-core';
import { floatView, outputTensor } from './tensor-memory';

export interface BatchNormTrainResult {
  y: tf.Tensor4D;
  /** Batch mean per channel. */
  mean: Float32Array;
  /** Biased batch variance per channel (what normalises the batch). */
  variance: Float32Array;
}

/**
 * Training-mode batch norm over N·H·W, forward and backward each in one fused pass in JS. tfjs composes
 * the gradient from broadcasting element-wise ops and Tile, which on the wasm backend cost two orders of
 * magnitude more than the arithmetic. Gradient (x̂ = (x − μ)·r, r = 1/√(σ² + ε), m = N·H·W):
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/m − x̂·dγ/m).
 * Only for backends whose memory JS can read (wasm, cpu); elsewhere use tfjs ops.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainResult {
  const c = x.shape[3];
  const mean = new Float32Array(c);
  const variance = new Float32Array(c);
  const rstd = new Float32Array(c);
  const backend = tf.backend();
  const fn = (xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = outputTensor(xt.shape, (out) => {
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
      for (let i = 0; i < xs.length; i += c) for (let k = 0; k < c; k++) out[i + k] = xs[i + k] * scale[k] + shift[k];
    });
    save([xt, g]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs0, g0] = saved;
        const dBeta = new Float32Array(c);
        const dGamma = new Float32Array(c);
        const dx = outputTensor(xs0.shape, (out) => {
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
            // dx = a·dy + bb·x + cc, expanded so the inner loop is one multiply-add per term.
            a[k] = gs[k] * rstd[k];
            bb[k] = (-a[k] * rstd[k] * dGamma[k]) / m;
            cc[k] = (-a[k] * sumDy[k]) / m - bb[k] * mean[k];
          }
          for (let i = 0; i < xs.length; i += c) for (let k = 0; k < c; k++) out[i + k] = a[k] * dys[i + k] + bb[k] * xs[i + k] + cc[k];
        });
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
