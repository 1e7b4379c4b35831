import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from './types';

/** A per-sample loss on logits, e.g. cross-entropy or DLR; its summed gradient is what attacks ascend. */
export type PerSampleLoss = (logits: tf.Tensor2D, y: tf.Tensor1D) => tf.Tensor1D;

export type EotEvaluation = {
  /** Per-sample loss, averaged over the draws. */
  loss: tf.Tensor1D;
  /** ∇x of the summed loss, averaged over the draws. */
  grad: tf.Tensor4D;
  /** Logits averaged over the draws (their argmax is the expected prediction). */
  logits: tf.Tensor2D;
};

/**
 * Loss, input gradient and logits of `draws` separate `logitsFn` calls, averaged (EOT: a randomized
 * model draws fresh noise per call). Generalizes `lossAndInputGradient` to any loss and also returns the
 * logits, so an attack step needs no extra forward pass to see whether it already fools the model.
 */
export function eotLossGradient(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  lossFn: PerSampleLoss,
  draws: number,
): EotEvaluation {
  return tf.tidy(() => {
    let loss: tf.Tensor1D | undefined;
    let grad: tf.Tensor4D | undefined;
    let logitsSum: tf.Tensor2D | undefined;
    for (let i = 0; i < draws; i++) {
      let logits: tf.Tensor2D | undefined;
      try {
        const { value, grads } = tf.engine().gradients(() => {
          // `gradients` runs f in its own tidy; keep the logits past it (disposed in `finally`).
          logits = tf.keep(logitsFn(x));
          return lossFn(logits, y);
        }, [x]);
        loss = loss ? tf.add<tf.Tensor1D>(loss, value) : (value as tf.Tensor1D);
        grad = grad ? tf.add<tf.Tensor4D>(grad, grads[0]) : (grads[0] as tf.Tensor4D);
        logitsSum = logitsSum ? tf.add<tf.Tensor2D>(logitsSum, logits!) : tf.clone(logits!);
      } finally {
        logits?.dispose();
      }
    }
    return { loss: tf.div(loss!, draws), grad: tf.div(grad!, draws), logits: tf.div(logitsSum!, draws) };
  });
}
