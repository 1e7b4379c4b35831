import * as tf from '@tensorflow/tfjs-core';
import { FOLD_NORM, hasKernel } from './kernel-names';
import { inferenceAffine } from './batch-norm-infer';

/** FloatFoldNorm's attributes. */
export interface FoldNormAttrs {
  epsilon: number;
}

/**
 * Inference batch norm folded into the conv before it: filter' = filter·s over the output-channel (last)
 * axis and shift = β − μ·s, with s = γ/√(v + ε). Every attack step folds every layer; as FloatFoldNorm
 * (where the backend registers it) that is one kernel and one tape node instead of six kernels, five tape
 * nodes and the input copies tfjs saves for each of them. Elsewhere, the same ops as inferenceAffine.
 */
export function foldNorm(
  filter: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  epsilon: number,
): { filter: tf.Tensor4D; shift: tf.Tensor1D } {
  if (!hasKernel(FOLD_NORM)) {
    return tf.tidy(() => {
      const { scale, shift } = inferenceAffine(mean, variance, gamma, beta, epsilon);
      return { filter: tf.mul(filter, scale) as tf.Tensor4D, shift };
    });
  }
  const attrs: FoldNormAttrs = { epsilon };
  const [folded, shift] = tf.engine().runKernel(FOLD_NORM, { filter, gamma, beta, mean, variance }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return { filter: folded as tf.Tensor4D, shift: shift as tf.Tensor1D };
}

/**
 * FloatFoldNorm's gradient, from dF (filter') and dt (shift), with r = 1/√(v + ε) and s = γ·r:
 * ds = Σ dF·filter − μ·dt over all but the last axis; d filter = dF·s, dγ = ds·r, dβ = dt, dμ = −dt·s,
 * dv = −½·ds·γ·r³. Attacks never reach it (nothing here depends on the input); parameter gradients of
 * folded forwards do.
 */
export const foldNormGradient: tf.GradConfig = {
  kernelName: FOLD_NORM,
  inputsToSave: ['filter', 'gamma', 'mean', 'variance'],
  gradFunc: (dys, saved, attrs) => {
    const [dF, dt] = dys as tf.Tensor[];
    const [filter, gamma, mean, variance] = saved;
    const { epsilon } = attrs as unknown as FoldNormAttrs;
    const r = () => tf.rsqrt(tf.add(variance, epsilon));
    const s = () => tf.mul(gamma, r());
    const ds = () => tf.sub(tf.sum(tf.mul(dF, filter), [0, 1, 2]), tf.mul(mean, dt));
    return {
      filter: () => tf.mul(dF, s()),
      gamma: () => tf.mul(ds(), r()),
      beta: () => tf.clone(dt),
      mean: () => tf.neg(tf.mul(dt, s())),
      variance: () => tf.mul(tf.mul(ds(), gamma), tf.mul(-0.5, tf.pow(r(), 3))),
    };
  },
};
