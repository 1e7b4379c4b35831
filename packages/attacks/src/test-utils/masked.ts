import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from '../types';

/**
 * A deliberately gradient-masked wrapper: the input is quantized to `levels` steps before the model sees
 * it. `round` has a zero gradient in tfjs, so every input gradient is exactly 0 and gradient attacks
 * cannot move, while the function itself (what score-based attacks see) is barely changed.
 */
export function quantizedInput(logitsFn: LogitsFn, levels: number): LogitsFn {
  return (x) => tf.tidy(() => logitsFn(tf.div<tf.Tensor4D>(tf.round(tf.mul(x, levels)), levels)));
}
