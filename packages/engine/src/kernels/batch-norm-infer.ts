import * as tf from '@tensorflow/tfjs-core';
import { floatView, outputTensor } from './tensor-memory';

/**
 * Inference-mode batch norm, y = x·s + t with s = γ/√(v + ε), t = β − μ·s, and its gradient
 * (dx = dy·s, dγ = Σ dy·x̂, dβ = Σ dy) in one JS pass each. Attacks differentiate through this on every
 * step, and tfjs's own gradient tiles the per-channel factors to the full activation shape, which on
 * wasm dominates an attack step. Running statistics are inputs here, never outputs: they cannot change.
 */
export function batchNormInfer(
  x: tf.Tensor4D,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor4D {
  const c = x.shape[3];
  const backend = tf.backend();
  const fn = (xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const mu = Float32Array.from(floatView(backend, mean));
    const rstd = Float32Array.from(floatView(backend, variance), (v) => 1 / Math.sqrt(v + epsilon));
    const gs = Float32Array.from(floatView(backend, g));
    const bs = floatView(backend, b);
    const scale = new Float32Array(c);
    const shift = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      scale[k] = gs[k] * rstd[k];
      shift[k] = bs[k] - mu[k] * scale[k];
    }
    const y = outputTensor(xt.shape, (out) => {
      const xs = floatView(backend, xt);
      for (let i = 0; i < xs.length; i += c) for (let k = 0; k < c; k++) out[i + k] = xs[i + k] * scale[k] + shift[k];
    });
    save([xt]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, [xs0]: tf.Tensor[]) => {
        const sumDy = new Float64Array(c);
        const sumDyXh = new Float64Array(c);
        const dx = outputTensor(xs0.shape, (out) => {
          const xs = floatView(backend, xs0);
          const dys = floatView(backend, dy);
          for (let i = 0; i < xs.length; i += c) {
            for (let k = 0; k < c; k++) {
              const d = dys[i + k];
              out[i + k] = d * scale[k];
              sumDy[k] += d;
              sumDyXh[k] += d * (xs[i + k] - mu[k]) * rstd[k];
            }
          }
        });
        return [dx, tf.tensor1d(Float32Array.from(sumDyXh)), tf.tensor1d(Float32Array.from(sumDy))];
      },
    };
  };
  // customGrad's typing wants variadic inputs; the arity here is fixed (x, γ, β, save).
  const op = tf.customGrad(fn as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta) as tf.Tensor4D;
}
