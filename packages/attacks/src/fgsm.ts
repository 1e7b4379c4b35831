import type * as tf from '@tensorflow/tfjs-core';
import { pgd } from './pgd';
import type { LogitsFn } from './types';

export type FgsmOptions = {
  /** ℓ∞ radius in pixel units (inputs are in [0, 1]). */
  eps: number;
};

/**
 * x' = clip01(x + ε·sign(∇x CE)). This is exactly one PGD step from x with α = ε (the projection is then
 * a no-op), so it shares PGD's code path instead of repeating it. Returns a new tensor the caller owns.
 */
export function fgsm(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, { eps }: FgsmOptions): tf.Tensor4D {
  return pgd(logitsFn, x, y, { eps, steps: 1, stepSize: eps, randomStart: false });
}
