import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from './types';

/** Whether argmax(logits) equals the label, per sample, from one `logitsFn` call. */
export async function correctPredictions(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D): Promise<boolean[]> {
  const correct = tf.tidy(() => tf.equal(tf.argMax(logitsFn(x), 1), tf.cast(y, 'int32')));
  try {
    return Array.from(await correct.data(), (value) => value === 1);
  } finally {
    correct.dispose();
  }
}
