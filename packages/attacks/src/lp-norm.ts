import * as tf from '@tensorflow/tfjs-core';
import { exactSign } from './exact-sign';
import { projectLinf } from './project-linf';

/** The threat models: ℓ∞ (per-pixel budget) and ℓ2 (Euclidean budget over the whole image), as in AutoAttack. */
export type LpNorm = 'Linf' | 'L2';
export const LP_NORMS: readonly LpNorm[] = ['Linf', 'L2'];

/** Refuses an unknown norm (untyped callers) and an ℓ∞ budget beyond the image range. */
export function checkNorm(attack: string, norm: unknown, eps: number): asserts norm is LpNorm {
  if (norm !== 'Linf' && norm !== 'L2') throw new RangeError(`${attack}: norm must be 'Linf' or 'L2', got ${String(norm)}`);
  if (norm === 'Linf' && eps > 1) throw new RangeError(`${attack}: an ℓ∞ eps above 1 covers the whole image range [0, 1], got ${eps}`);
}

/** Per sample ‖t‖₂, shaped [n, 1, 1, 1] to broadcast against t. */
export function l2PerSample(t: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.reshape(tf.sqrt(tf.sum(tf.square(t), [1, 2, 3])), [-1, 1, 1, 1]));
}

/** Per sample ‖t‖_p as a [n] vector. */
export function lpPerSample(norm: LpNorm, t: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => (norm === 'Linf' ? tf.max(tf.abs(t), [1, 2, 3]) : tf.sqrt(tf.sum(tf.square(t), [1, 2, 3]))) as tf.Tensor1D);
}

/** t / (‖t‖₂ + 1e-12) per sample (the reference's `normalize`). */
export function normalizeL2(t: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.div(t, tf.add(l2PerSample(t), 1e-12)));
}

/**
 * Projects `candidate` onto the ℓ2 ball of radius `eps` around `x` (δ·min(1, ε/‖δ‖₂)), THEN clips to [0, 1],
 * the reference order (AutoAttack's APGD-ℓ2, torchattacks' PGDL2): the clip can only shrink ‖δ‖₂, so the
 * result stays in the ball and is a valid image.
 */
export function projectL2(candidate: tf.Tensor4D, x: tf.Tensor4D, eps: number): tf.Tensor4D {
  return tf.tidy(() => {
    const delta = tf.sub<tf.Tensor4D>(candidate, x);
    const norm = l2PerSample(delta);
    const scale = tf.minimum(1, tf.div(eps, tf.add(norm, 1e-12)));
    return tf.clipByValue(tf.add<tf.Tensor4D>(x, tf.mul(delta, scale)), 0, 1);
  });
}

/** Onto the ε-ball of `norm` around x, then [0, 1]. */
export function projectBall(norm: LpNorm, candidate: tf.Tensor4D, x: tf.Tensor4D, eps: number): tf.Tensor4D {
  return norm === 'Linf' ? projectLinf(candidate, x, eps) : projectL2(candidate, x, eps);
}

/** The steepest-ascent direction of unit norm: sign(g) for ℓ∞ (exact, see exactSign), g/‖g‖₂ for ℓ2. */
export function steepestDirection(norm: LpNorm, grad: tf.Tensor4D): tf.Tensor4D {
  return norm === 'Linf' ? exactSign(grad) : normalizeL2(grad);
}
