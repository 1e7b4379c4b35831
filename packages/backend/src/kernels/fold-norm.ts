import * as tf from '@tensorflow/tfjs-core';
import { FOLD_NORM, type FoldNormAttrs } from '@floatjs/engine';
import { floatView, requireShape, withOutput } from './tensor-memory';

/**
 * FloatFoldNorm for a backend whose memory JS reads (wasm, cpu): one pass over the filter. Every value is
 * rounded to float32 after each operation, in the order of the stock ops it replaces (v + ε, 1/√·, γ·r,
 * β − μ·s, filter·s), so on wasm the result equals theirs bit for bit.
 */
export function foldNormKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: FOLD_NORM,
    backendName,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const backend = b as tf.KernelBackend;
      const { filter, gamma, beta, mean, variance } = inputs as Record<'filter' | 'gamma' | 'beta' | 'mean' | 'variance', tf.TensorInfo>;
      const c = filter.shape[filter.shape.length - 1];
      requireShape(FOLD_NORM, [c], "the filter's output channels", { gamma, beta, mean, variance });
      const epsilon = Math.fround((attrs as unknown as FoldNormAttrs).epsilon);
      const g = floatView(backend, gamma), be = floatView(backend, beta), m = floatView(backend, mean), v = floatView(backend, variance);
      const scale = new Float32Array(c);
      const shift = new Float32Array(c);
      for (let j = 0; j < c; j++) {
        const r = Math.fround(1 / Math.fround(Math.sqrt(Math.fround(v[j] + epsilon))));
        scale[j] = g[j] * r;
        shift[j] = be[j] - Math.fround(m[j] * scale[j]);
      }
      // On wasm an allocation may move the heap, so the filter is viewed inside the fill.
      const folded = withOutput(backend, filter.shape, (out) => {
        const w = floatView(backend, filter);
        for (let i = 0; i < out.length; i += c) for (let j = 0; j < c; j++) out[i + j] = w[i + j] * scale[j];
      }, true);
      return [folded, withOutput(backend, [c], (out) => out.set(shift), true)];
    },
  };
}
