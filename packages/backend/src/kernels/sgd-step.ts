import * as tf from '@tensorflow/tfjs-core';
import { SGD_STEP, type SgdStepAttrs } from '@floatjs/engine';
import { floatView, requireShape, withOutput } from './tensor-memory';

/**
 * FloatSgdStep for a backend whose memory JS reads (wasm, cpu): one pass per parameter. Each product and
 * sum is rounded to float32 in the order of the ops it replaces (w·wd, g + ·, v·μ, · + g, v·lr, w − ·),
 * with the scalars rounded to float32 as tfjs uploads them, so the update equals theirs bit for bit.
 */
export function sgdStepKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: SGD_STEP,
    backendName,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const backend = b as tf.KernelBackend;
      const { w, grad, buf } = inputs as Record<'w' | 'grad' | 'buf', tf.TensorInfo>;
      requireShape(SGD_STEP, w.shape, "w's", { grad, buf });
      const a = attrs as unknown as SgdStepAttrs;
      const [lr, mu, wd] = [a.lr, a.momentum, a.weightDecay].map(Math.fround);
      const f = Math.fround;
      // The new momentum first (its own pass), then the weights from it; views are taken inside each fill,
      // since on wasm an allocation may move the heap.
      const newBuf = withOutput(backend, w.shape, (out) => {
        const wv = floatView(backend, w), g = floatView(backend, grad), v = floatView(backend, buf);
        if (wd) for (let i = 0; i < out.length; i++) out[i] = f(v[i] * mu) + f(g[i] + f(wv[i] * wd));
        else for (let i = 0; i < out.length; i++) out[i] = f(v[i] * mu) + g[i];
      }, true);
      const newW = withOutput(backend, w.shape, (out) => {
        const wv = floatView(backend, w), v = floatView(backend, newBuf);
        for (let i = 0; i < out.length; i++) out[i] = wv[i] - f(v[i] * lr);
      }, true);
      return [newW, newBuf];
    },
  };
}
