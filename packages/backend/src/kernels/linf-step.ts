import * as tf from '@tensorflow/tfjs-core';
// Types only: the package is an optional dependency, loaded at run time by selectBackend.
import type { NativeKernels } from '@floatjs/native-kernels';
import { floatView, requireShape, withOutput } from './tensor-memory';

/**
 * The kernel name @floatjs/attacks' linfStep runs (its LINF_STEP; a test in @floatjs/integration checks the
 * two agree). The backend does not depend on the attacks package: like tfjs-core's kernel names, the name
 * and its attributes are the contract.
 */
export const LINF_STEP_KERNEL = 'FloatLinfStep';

/**
 * One ℓ∞ PGD step in one pass over a backend whose memory JS reads (wasm, cpu):
 * clip(min(max(current + step·sign(grad), x − ε), x + ε), 0, 1), sign exact (−1, 0 or 1; 0 for ±0 and NaN).
 * Each sum is rounded to float32 as the stock ops round it (the scalars too), so the result is theirs bit
 * for bit; on wasm those ops are eleven passes through its generic broadcasting loops. With the native
 * kernels the pass is theirs (ResNet-20's 64 images: about 0.2 ms, against 4 ms for the JS loop).
 */
export function linfStepKernel(backendName: string, native?: NativeKernels): tf.KernelConfig {
  return {
    kernelName: LINF_STEP_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const backend = b as tf.KernelBackend;
      const { current, grad, x } = inputs as Record<'current' | 'grad' | 'x', tf.TensorInfo>;
      requireShape(LINF_STEP_KERNEL, current.shape, "current's", { grad, x });
      const { step, eps } = attrs as unknown as { step: number; eps: number };
      const s = Math.fround(step);
      const e = Math.fround(eps);
      const f = Math.fround;
      return withOutput(backend, current.shape, (out) => {
        const c = floatView(backend, current), g = floatView(backend, grad), x0 = floatView(backend, x);
        if (native) return native.linfStep(c, g, x0, out, s, e);
        // Branch-free: a gradient's sign is a coin flip per pixel, and branching on it was mispredicted half
        // the time (5.7 ms for ResNet-20's 64 images, against 1 ms without). sign·s is exact (±s or 0), and
        // c + 0 = c; every value is finite, so Math.max/min order as Maximum, Minimum and ClipByValue do.
        for (let i = 0; i < out.length; i++) {
          const gi = g[i];
          const v = f(c[i] + (+(gi > 0) - +(gi < 0)) * s);
          out[i] = Math.min(Math.max(Math.min(Math.max(v, f(x0[i] - e)), f(x0[i] + e)), 0), 1);
        }
      }, true);
    },
  };
}
