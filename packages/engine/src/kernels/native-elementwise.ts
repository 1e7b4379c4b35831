import * as tf from '@tensorflow/tfjs-core';
// Types only: the package is an optional dependency, loaded at run time by selectBackend.
import type { NativeKernels } from '@floatjs/native-kernels';
import { replaceKernel, stockKernel } from './stock-kernels';
import { floatView, withOutput } from './tensor-memory';

/** The kernels registerNativeElementwiseKernels replaces (and switching native kernels off restores). */
export const NATIVE_ELEMENTWISE_KERNELS = [tf.Add, tf.Relu];

/**
 * Native Add (same shapes, or one operand repeating along the other: a channel vector, a scalar) and Relu
 * for the cpu backend, whose own kernels index every element through generic broadcasting code (an Add of
 * a [64, 32, 32, 16] batch took 4.5 ms there). Other cases go to the stock kernels. wasm keeps XNNPACK's.
 */
export function registerNativeElementwiseKernels(backendName: string, native: NativeKernels): void {
  const stockAdd = stockKernel(tf.Add, backendName)!.kernelFunc;
  replaceKernel({
    kernelName: tf.Add,
    backendName,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return stockAdd(args);
      // Addition commutes, so the operand that repeats can go second.
      const [big, small] = repeatsAlong(b.shape, a.shape) ? [a, b] : repeatsAlong(a.shape, b.shape) ? [b, a] : [null, null];
      if (!big || !small) return stockAdd(args);
      const backend = args.backend as tf.KernelBackend;
      return withOutput(backend, big.shape, (out) => native.add(floatView(backend, big), floatView(backend, small), out), true);
    },
  });
  const stockRelu = stockKernel(tf.Relu, backendName)!.kernelFunc;
  replaceKernel({
    kernelName: tf.Relu,
    backendName,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32') return stockRelu(args);
      const backend = args.backend as tf.KernelBackend;
      return withOutput(backend, x.shape, (out) => native.relu(floatView(backend, x), out), true);
    },
  });
}

/**
 * Whether a tensor of `small` shape broadcast to `big` repeats its elements in order every small.size
 * elements: its shape without leading 1s is a suffix of `big`'s (equal shapes, a channel vector, a scalar).
 */
export function repeatsAlong(small: readonly number[], big: readonly number[]): boolean {
  let start = 0;
  while (start < small.length && small[start] === 1) start++;
  const core = small.slice(start);
  if (core.length > big.length) return false;
  const tail = big.slice(big.length - core.length);
  return core.every((d, i) => d === tail[i]) && small.length <= big.length;
}
