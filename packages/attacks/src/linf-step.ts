import * as tf from '@tensorflow/tfjs-core';
import { exactSign } from './exact-sign';
import { projectLinf } from './project-linf';

/**
 * The name under which a backend package may register one pass of `linfStep` (inputs current, grad, x;
 * attrs LinfStepAttrs; as tfjs-core's kernel names, a contract: @floatjs/backend implements it for wasm
 * and cpu). Nothing here depends on who implements it.
 */
export const LINF_STEP = 'FloatLinfStep';

export interface LinfStepAttrs {
  /** Signed step: the ascent step size times +1 (maximize the loss) or −1. */
  step: number;
  eps: number;
}

/**
 * One ℓ∞ PGD step: clip(min(max(current + step·sign(grad), x − ε), x + ε), 0, 1) with the exact sign of
 * exactSign. As one kernel where the backend registers FloatLinfStep (rounded as the ops below round:
 * bit for bit the same), else those ops: two comparisons, two casts and seven element-wise passes.
 */
export function linfStep(current: tf.Tensor4D, grad: tf.Tensor4D, x: tf.Tensor4D, step: number, eps: number): tf.Tensor4D {
  if (tf.getKernel(LINF_STEP, tf.getBackend())) {
    const attrs: LinfStepAttrs = { step, eps };
    return tf.engine().runKernel(LINF_STEP, { current, grad, x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  }
  return tf.tidy(() => projectLinf(tf.add(current, tf.mul(exactSign(grad), step)), x, eps));
}
