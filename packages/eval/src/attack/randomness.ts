import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from '@floatjs/engine';

/**
 * Whether a logits function is randomized, measured rather than assumed: two calls on the same inputs
 * that disagree anywhere mean the model draws noise per forward, so a one-draw gradient is not the
 * expected gradient and a deterministic attack under-reports what an adaptive attacker achieves.
 */
export function detectRandomness(logitsFn: LogitsFn, x: tf.Tensor4D): boolean {
  return tf.tidy(() => {
    const a = logitsFn(x);
    const b = logitsFn(x);
    return tf.any(tf.notEqual(a, b)).dataSync()[0] === 1;
  });
}
