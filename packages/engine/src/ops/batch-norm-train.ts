import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, hasKernel } from './kernel-names';

export interface BatchNormTrainResult {
  y: tf.Tensor4D;
  /** Batch mean per channel. */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel (what normalises the batch). */
  variance: tf.Tensor1D;
}

/**
 * Training-mode batch norm over N·H·W. Where the backend registers FloatBatchNormTrain it is one taped
 * kernel whose gradient is computed directly (FloatBatchNormTrainGrad: dβ = Σ dy, dγ = Σ dy·x̂,
 * dx = γ·r·(dy − dβ/m − x̂·dγ/m)); tfjs's own batchNorm gradient tiles the per-channel factors to the full
 * shape. Elsewhere: tf.moments and tf.batchNorm.
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainResult {
  if (hasKernel(BATCH_NORM_TRAIN)) {
    const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
    return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  }
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const y = tf.batchNorm(x, mean, variance, beta, gamma, epsilon) as tf.Tensor4D;
  return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

/** The gradient of FloatBatchNormTrain: one FloatBatchNormTrainGrad call gives all three parts. */
export const batchNormTrainGradient: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    // Only y carries a gradient (the statistics feed the running estimates, outside the tape).
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [x, gamma, mean, variance] = saved;
    // Computed here, not in the per-input thunks: tfjs runs each thunk in its own scope, which would free
    // the two parts a thunk does not return.
    const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { x, gamma, dy, mean, variance }, attrs) as tf.Tensor[];
    return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
  },
};
