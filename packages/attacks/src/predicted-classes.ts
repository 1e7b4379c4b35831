import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from './types';

/** Logits averaged over `draws` separate `logitsFn` calls (one call for a deterministic model). */
export function meanLogits(logitsFn: LogitsFn, x: tf.Tensor4D, draws = 1): tf.Tensor2D {
  return tf.tidy(() => {
    let total = logitsFn(x);
    for (let i = 1; i < draws; i++) total = tf.add(total, logitsFn(x));
    return draws === 1 ? total : tf.div(total, draws);
  });
}

/** argmax of the (draw-averaged) logits per sample, read back synchronously for the attacks' bookkeeping. */
export function predictedClasses(logitsFn: LogitsFn, x: tf.Tensor4D, draws = 1): Int32Array {
  const classes = tf.tidy(() => tf.argMax(meanLogits(logitsFn, x, draws), 1));
  try {
    return classes.dataSync() as Int32Array;
  } finally {
    classes.dispose();
  }
}

/** Labels as a plain integer array (int32 or float32 label tensors). */
export function labelArray(y: tf.Tensor1D): Int32Array {
  return Int32Array.from(y.dataSync(), (v) => Math.round(v));
}
