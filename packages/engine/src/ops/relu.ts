import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, RELU_GRAD } from './kernel-names';

/**
 * ReLU whose gradient, where the backend registers FloatReluGrad, is one pass (dx = dy where y > 0) instead
 * of tfjs's Step, Cast and Multiply. Elsewhere it is tf.relu.
 */
export function relu<T extends tf.Tensor>(x: T): T {
  if (!hasKernel(RELU_GRAD) || x.dtype !== 'float32') return tf.relu(x);
  const op = tf.customGrad(((xt: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.relu(xt);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [ys]: tf.Tensor[]) => reluGrad(dy, ys) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as T;
}

/** dy where y > 0, else 0: FloatReluGrad where the backend registers it, else tfjs ops. */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  if (!hasKernel(RELU_GRAD) || dy.dtype !== 'float32') return tf.mul(dy, tf.step(y));
  return tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor;
}
