import * as tf from '@tensorflow/tfjs-core';

/**
 * sign(x) ∈ {−1, 0, 1}, 0 only at ±0 and NaN, on every backend (as PyTorch's and tfjs-cpu's `sign`).
 *
 * tfjs-backend-wasm's Sign kernel returns 0 for |x| < FLT_EPSILON (≈ 1.19e-7). Input gradients of a summed
 * cross-entropy are far below that on confidently classified samples, so a PGD/APGD step through `tf.sign`
 * on wasm left those pixels (often whole samples) where they were: a weaker attack, in training and in
 * evaluation alike. Two comparisons are exact at any magnitude.
 */
export function exactSign<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(x, 0), 'float32'), tf.cast(tf.less(x, 0), 'float32')) as T);
}
