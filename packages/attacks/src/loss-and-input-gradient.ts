import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyPerSample } from './cross-entropy';
import type { LogitsFn } from './types';

export type LossAndGradient = { loss: tf.Tensor1D; grad: tf.Tensor4D };

/**
 * Per-sample cross-entropy and ∇x of its sum, both averaged over `draws` separate `logitsFn` calls
 * (EOT: a randomized model draws fresh noise per call, so the mean estimates the expected gradient).
 *
 * `tf.engine().gradients` is used instead of `tf.grad` because it returns the forward value too, so
 * `keep: 'best'` gets each iterate's loss without an extra forward pass. With no `dy` it seeds the backward
 * pass with ones, i.e. the gradient of the summed loss (reduction 'sum', as in the reference PGD).
 * Only `x` is differentiated: model variables get no gradient and are not changed.
 */
export function lossAndInputGradient(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  draws: number,
): LossAndGradient {
  return tf.tidy(() => {
    let loss: tf.Tensor1D | undefined;
    let grad: tf.Tensor4D | undefined;
    for (let i = 0; i < draws; i++) {
      const { value, grads } = tf.engine().gradients(() => crossEntropyPerSample(logitsFn(x), y), [x]);
      const g = grads[0] as tf.Tensor4D;
      loss = loss ? tf.add<tf.Tensor1D>(loss, value) : value;
      grad = grad ? tf.add<tf.Tensor4D>(grad, g) : g;
    }
    return { loss: tf.div(loss!, draws), grad: tf.div(grad!, draws) };
  });
}
