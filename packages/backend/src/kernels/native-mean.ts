import * as tf from '@tensorflow/tfjs-core';
// Types only: the package is an optional dependency, loaded at run time by selectBackend.
import type { NativeKernels } from '@floatjs/native-kernels';
import { nativeKernel } from './native-kernel-config';
import { floatView } from './tensor-memory';

/**
 * wasm's Mean over the spatial axes of an NHWC tensor (the engine's global average pool) as one native pass:
 * tfjs-wasm transposes the input first, which took about 2 ms per call at [128, 7, 7, 128], a twentieth of a
 * cnn-s attack step. The sums run in the same order and end in the same division, so the values are the stock
 * kernel's bit for bit (tested). Every other Mean goes to the stock kernel.
 */
export function nativeMeanKernel(backendName: string, native: NativeKernels): tf.KernelConfig {
  return nativeKernel(tf.Mean, backendName, ({ inputs, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as unknown as tf.MeanAttrs;
    if (x.dtype !== 'float32' || x.shape.length !== 4) return null;
    // In this order only: the stock kernel sums over the axes in the order given ([2, 1] rounds otherwise).
    const axes = tf.util.parseAxisParam(axis, x.shape);
    if (axes.length !== 2 || axes[0] !== 1 || axes[1] !== 2) return null;
    const [n, h, w, c] = x.shape;
    if (n * h * w * c === 0) return null;
    return { shape: keepDims ? [n, 1, 1, c] : [n, c], run: (be, out) => native.meanRows(floatView(be, x), out, h * w, c) };
  });
}
