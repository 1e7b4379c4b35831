import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyPerSample } from './cross-entropy';
import type { LogitsFn } from './types';

/** Per-sample cross-entropy averaged over `draws` separate calls (one per noise draw of a randomized model). */
export function expectedLoss(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, draws: number): tf.Tensor1D {
  return tf.tidy(() => {
    let total = crossEntropyPerSample(logitsFn(x), y);
    for (let i = 1; i < draws; i++) total = tf.add(total, crossEntropyPerSample(logitsFn(x), y));
    return tf.div(total, draws);
  });
}
