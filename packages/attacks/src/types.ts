import type * as tf from '@tensorflow/tfjs-core';

/**
 * The model as the attack sees it: NHWC images in [0, 1] → logits [batch, classes].
 *
 * The caller binds the exact deployed configuration (λ, BN branch, noise scale, width, mask) and runs
 * normalization in inference mode, because the attacked configuration must be the evaluated one and an
 * attack step must never update running statistics. A randomized model draws fresh noise on every call,
 * which is what EOT averages over. It must not mutate model state.
 */
export type LogitsFn = (x: tf.Tensor4D) => tf.Tensor2D;

/**
 * An attack with its options already bound, e.g. `(f, x, y) => pgd(f, x, y, opts)`.
 * Returns a new tensor that the caller owns; `x` and `y` are left untouched.
 */
export type AttackFn = (logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D) => tf.Tensor4D;
