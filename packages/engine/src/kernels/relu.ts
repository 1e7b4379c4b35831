import * as tf from '@tensorflow/tfjs-core';
import type { NativeKernels } from '@floatjs/native-kernels';
import { nativeKernelsFor } from './native-registry';
import { floatView, outputTensor } from './tensor-memory';

/**
 * ReLU whose gradient, where native kernels serve the backend, is one pass (dx = dy where y > 0) instead
 * of tfjs's Step, Cast and Multiply. Elsewhere it is tf.relu.
 */
export function relu<T extends tf.Tensor>(x: T): T {
  const native = nativeKernelsFor();
  if (!native || x.dtype !== 'float32') return tf.relu(x);
  const backend = tf.backend();
  const op = tf.customGrad(((xt: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.relu(xt);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [ys]: tf.Tensor[]) => reluGradNative(native, backend, dy, ys) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as T;
}

/** dy where y > 0, else 0, with the native kernel when one serves the backend (else tfjs ops). */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const native = nativeKernelsFor();
  if (!native || dy.dtype !== 'float32') return tf.mul(dy, tf.step(y));
  return reluGradNative(native, tf.backend(), dy, y);
}

function reluGradNative(native: NativeKernels, backend: tf.KernelBackend, dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return outputTensor(dy.shape, (out) => native.reluGrad(floatView(backend, dy), floatView(backend, y), out), true);
}
