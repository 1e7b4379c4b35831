import * as tf from '@tensorflow/tfjs-core';
import type { NativeKernels } from '@floatjs/native-kernels';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '@floatjs/engine';
import { floatView, withOutput } from './tensor-memory';

/** The two passes of training batch norm over [N·H·W, C]. */
interface BatchNormPasses {
  /** y from x, γ and β; fills mean and variance (biased). */
  forward(x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, mean: Float32Array, variance: Float32Array): tf.TensorInfo;
  /** dx, dγ and dβ from x, γ and dy, with the statistics the forward filled. */
  backward(x: tf.TensorInfo, gamma: tf.TensorInfo, dy: tf.TensorInfo, mean: Float32Array, variance: Float32Array): [tf.TensorInfo, Float32Array, Float32Array];
}

/**
 * FloatBatchNormTrain and its gradient kernel for `backendName` (the engine's batchNormTrain op runs them by
 * name, and registers the gradient that calls the second). With native kernels, each direction is one
 * multi-threaded native pass; otherwise the per-channel sums are read in JS (double precision) and every
 * full-size write is a per-channel multiply-add in the backend's SIMD kernels, which on wasm run 5-10×
 * faster than JS stores into its shared heap. Gradient (x̂ = (x − μ)·r, r = 1/√(σ² + ε), m = N·H·W):
 * dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r·(dy − dβ/m − x̂·dγ/m).
 * Only for backends whose memory JS can read (wasm, cpu).
 */
export function batchNormTrainKernels(backendName: string, native: NativeKernels | undefined): tf.KernelConfig[] {
  const passesFor = (backend: tf.KernelBackend, c: number, epsilon: number) => (native ? nativePasses(native, backend, c, epsilon) : jsPasses(backend, c, epsilon));
  const vector = (backend: tf.KernelBackend, values: Float32Array) => withOutput(backend, [values.length], (out) => out.set(values), true);
  return [
    {
      kernelName: BATCH_NORM_TRAIN,
      backendName,
      kernelFunc: ({ inputs, attrs, backend: b }) => {
        const backend = b as tf.KernelBackend;
        const { x, gamma, beta } = inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
        const c = x.shape[x.shape.length - 1];
        const mean = new Float32Array(c);
        const variance = new Float32Array(c);
        const y = passesFor(backend, c, (attrs as { epsilon: number }).epsilon).forward(x, gamma, beta, mean, variance);
        return [y, vector(backend, mean), vector(backend, variance)];
      },
    },
    {
      kernelName: BATCH_NORM_TRAIN_GRAD,
      backendName,
      kernelFunc: ({ inputs, attrs, backend: b }) => {
        const backend = b as tf.KernelBackend;
        const { x, gamma, dy, mean, variance } = inputs as Record<'x' | 'gamma' | 'dy' | 'mean' | 'variance', tf.TensorInfo>;
        const c = x.shape[x.shape.length - 1];
        // Copies: on wasm a later allocation may move the heap under a view.
        const stats = [floatView(backend, mean).slice(), floatView(backend, variance).slice()];
        const [dx, dGamma, dBeta] = passesFor(backend, c, (attrs as { epsilon: number }).epsilon).backward(x, gamma, dy, stats[0], stats[1]);
        return [dx, vector(backend, dGamma), vector(backend, dBeta)];
      },
    },
  ];
}

/** One native pass each way: statistics and output; sums and dx (double-precision sums, multi-threaded). */
function nativePasses(native: NativeKernels, backend: tf.KernelBackend, c: number, epsilon: number): BatchNormPasses {
  return {
    forward: (x, g, b, mean, variance) =>
      withOutput(backend, x.shape, (out) => native.batchNormTrain(floatView(backend, x), floatView(backend, g), floatView(backend, b), out, mean, variance, c, epsilon), true),
    backward: (x, g, dy, mean, variance) => {
      const dGamma = new Float32Array(c);
      const dBeta = new Float32Array(c);
      const dx = withOutput(backend, x.shape, (out) =>
        native.batchNormTrainGrad(floatView(backend, x), floatView(backend, dy), floatView(backend, g), mean, variance, out, dGamma, dBeta, c, epsilon), true);
      return [dx, dGamma, dBeta];
    },
  };
}

/** Sums in JS (double precision), full-size writes as per-channel multiply-adds in the backend's kernels. */
function jsPasses(backend: tf.KernelBackend, c: number, epsilon: number): BatchNormPasses {
  const rstd = (variance: Float32Array) => Float32Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  return {
    forward: (x, g, b, mean, variance) => {
      channelMoments(floatView(backend, x), c, mean, variance);
      const r = rstd(variance);
      const gs = floatView(backend, g);
      const bs = floatView(backend, b);
      const scale = new Float32Array(c);
      const shift = new Float32Array(c);
      for (let k = 0; k < c; k++) {
        scale[k] = gs[k] * r[k];
        shift[k] = bs[k] - mean[k] * scale[k];
      }
      return channelAffine(x as tf.Tensor, scale, shift);
    },
    backward: (x, g, dy, mean, variance) => {
      const r = rstd(variance);
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
        dGamma[k] = sumDyXh[k] * r[k];
        // dx = a·dy + bb·x + cc: two per-channel scalings and a shift.
        a[k] = gs[k] * r[k];
        bb[k] = (-a[k] * r[k] * dGamma[k]) / m;
        cc[k] = (-a[k] * sumDy[k]) / m - bb[k] * mean[k];
      }
      return [channelAffine(dy as tf.Tensor, a, cc, x as tf.Tensor, bb), dGamma, dBeta];
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
