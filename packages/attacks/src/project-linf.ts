import * as tf from '@tensorflow/tfjs-core';

/**
 * Projects `candidate` onto the ℓ∞ ball of radius `eps` around `x`, THEN clips to the image range [0, 1]
 * (the reference order; clipping last keeps every result a valid image even when x is near 0 or 1).
 */
export function projectLinf(candidate: tf.Tensor4D, x: tf.Tensor4D, eps: number): tf.Tensor4D {
  return tf.tidy(() => {
    const inBall = tf.minimum<tf.Tensor4D>(tf.maximum(candidate, tf.sub(x, eps)), tf.add(x, eps));
    return tf.clipByValue(inBall, 0, 1);
  });
}
