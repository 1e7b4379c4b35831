import * as tf from '@tensorflow/tfjs-core';
import { hasKernel, SGD_STEP } from './kernel-names';

/** FloatSgdStep's attributes. */
export interface SgdStepAttrs {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/**
 * One SGD update of one parameter, as torch.optim.SGD (dampening 0, no Nesterov): g ← g + wd·w;
 * v ← μ·v + g; w ← w − lr·v. Returns [w, v]. As FloatSgdStep (where the backend registers it) it is one
 * pass instead of six kernels and three scalar uploads per parameter, rounded as those ops round.
 */
export function sgdStep(w: tf.Tensor, grad: tf.Tensor, buf: tf.Tensor, attrs: SgdStepAttrs): [tf.Tensor, tf.Tensor] {
  if (hasKernel(SGD_STEP)) {
    return tf.engine().runKernel(SGD_STEP, { w, grad, buf }, attrs as unknown as tf.NamedAttrMap) as [tf.Tensor, tf.Tensor];
  }
  return tf.tidy(() => {
    const { lr, momentum, weightDecay } = attrs;
    const gd = weightDecay ? tf.add(grad, tf.mul(w, weightDecay)) : grad;
    const b = tf.add(tf.mul(buf, momentum), gd);
    return [tf.sub(w, tf.mul(b, lr)), b];
  });
}
