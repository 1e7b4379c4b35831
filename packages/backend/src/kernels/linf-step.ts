import * as tf from '@tensorflow/tfjs-core';
import { floatView, withOutput } from './tensor-memory';

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
 * for bit; on wasm those ops are eleven passes through its generic broadcasting loops.
 */
export function linfStepKernel(backendName: string): tf.KernelConfig {
  return {
    kernelName: LINF_STEP_KERNEL,
    backendName,
    kernelFunc: ({ inputs, attrs, backend: b }) => {
      const backend = b as tf.KernelBackend;
      const { current, grad, x } = inputs as Record<'current' | 'grad' | 'x', tf.TensorInfo>;
      for (const [name, t] of [['grad', grad], ['x', x]] as const)
        if (t.shape.join() !== current.shape.join()) throw new Error(`${LINF_STEP_KERNEL}: ${name} has shape [${t.shape}], expected current's [${current.shape}]`);
      const { step, eps } = attrs as unknown as { step: number; eps: number };
      const s = Math.fround(step);
      const e = Math.fround(eps);
      const f = Math.fround;
      return withOutput(backend, current.shape, (out) => {
        const c = floatView(backend, current), g = floatView(backend, grad), x0 = floatView(backend, x);
        for (let i = 0; i < out.length; i++) {
          const gi = g[i];
          let v = gi > 0 ? f(c[i] + s) : gi < 0 ? f(c[i] - s) : c[i];
          const lo = f(x0[i] - e), hi = f(x0[i] + e);
          v = v > lo ? v : lo;
          v = v < hi ? v : hi;
          out[i] = v > 0 ? (v < 1 ? v : 1) : 0;
        }
      }, true);
    },
  };
}
