import * as tf from '@tensorflow/tfjs-core';

/**
 * Softmax cross-entropy of every sample, [batch]. Summing it gives the reference code's
 * `CrossEntropyLoss(reduction='sum')`; keeping it per sample lets PGD pick each sample's best iterate.
 * Labels may be int32 or float32 (`tf.tensor1d` default); they are cast as `correctPredictions` does.
 */
export function crossEntropyPerSample(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const target = tf.oneHot(tf.cast(y, 'int32'), logits.shape[1]);
    return tf.neg(tf.sum<tf.Tensor1D>(tf.mul(target, logProbs), 1));
  });
}
