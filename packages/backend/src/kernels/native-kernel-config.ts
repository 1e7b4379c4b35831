import * as tf from '@tensorflow/tfjs-core';
import { stockKernel } from './stock-kernels';
import { withOutput } from './tensor-memory';

/** How a native kernel computes one call: the output shape and a fill of its float32 storage. */
export interface NativePlan {
  shape: number[];
  run(backend: tf.KernelBackend, out: Float32Array): void;
}

/**
 * A kernel config that runs `plan`'s native fill when the call is one the native kernels cover (plan
 * returns a plan) and the backend's stock kernel otherwise. The output is written whole, so it is not
 * zeroed first.
 */
export function nativeKernel(kernelName: string, backendName: string, plan: (args: Parameters<tf.KernelFunc>[0]) => NativePlan | null): tf.KernelConfig {
  const stock = stockKernel(kernelName, backendName);
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const p = plan(args);
      if (p) {
        const backend = args.backend as tf.KernelBackend;
        return withOutput(backend, p.shape, (out) => p.run(backend, out), true);
      }
      if (!stock) throw new Error(`${kernelName}: not supported by the native kernels, and the ${backendName} backend has no kernel of its own`);
      return stock.kernelFunc(args);
    },
  };
}
