import * as tf from '@tensorflow/tfjs-core';
import { lpPerSample, type LpNorm } from './lp-norm';
import type { AutoAttackName, AutoAttackPlan, AutoAttackVersion } from './autoattack-plan';
import { crossEntropyPerSample } from './cross-entropy';
import type { LogitsFn } from './types';

/** One sanity check of an evaluation (after the reference's checks.py); plain JSON. */
export type SanityCheck = {
  name: string;
  passed: boolean;
  message: string;
  figures?: Record<string, number>;
};

/** Per attack: points attacked (robust before it), points it broke, robust count after, and time. */
export type AutoAttackLogEntry = {
  attack: AutoAttackName;
  attacked: number;
  broken: number;
  robustAfter: number;
  /** Robust accuracy after this attack, percent (0-100). */
  robustAccuracy: number;
  seconds: number;
};

/** Normalized logits that differ by more than this between two calls mean a randomized model (reference). */
const RANDOMIZED_TOLERANCE = 1e-4;
const PROBABILITY_TOLERANCE = 1e-5;
/** Square lowering RA by more than this (percentage points) below the white-box attacks flags masking. */
const SQUARE_TOLERANCE = 0.2;

export function assertImageRange(x: tf.Tensor4D, where: string): void {
  const [lo, hi, nan] = tf.tidy(() => [tf.min(x), tf.max(x), tf.any(tf.isNaN(x))].map((t) => t.dataSync()[0]));
  if (nan || lo < 0 || hi > 1) {
    throw new RangeError(`${where}: images must be in [0, 1] without NaN, got min ${lo}, max ${hi}${nan ? ', NaN' : ''}`);
  }
}

/**
 * Two calls on the same inputs: a model whose (L2-normalized) logits or predictions differ is randomized,
 * and a deterministic evaluation (standard, plus) then overestimates robustness. Also checks that the
 * outputs are logits, not probabilities (rows in [0, 1] summing to 1 break DLR and margin losses).
 */
export function outputChecks(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  version: AutoAttackVersion,
): { randomized: boolean; classes: number; checks: SanityCheck[] } {
  const [first, second] = [logitsFn(x), logitsFn(x)];
  try {
    const { difference, predictionsDiffer, lo, hi, rowSumError } = tf.tidy(() => {
      const normalize = (t: tf.Tensor2D) => tf.div(t, tf.add(tf.norm(t, 2, 1, true), 1e-10));
      const diff = tf.max(tf.norm(tf.sub(normalize(first), normalize(second)), 2, 1));
      const differ = tf.any(tf.notEqual(tf.argMax(first, 1), tf.argMax(second, 1)));
      return {
        difference: diff.dataSync()[0],
        predictionsDiffer: differ.dataSync()[0] === 1,
        lo: tf.min(first).dataSync()[0],
        hi: tf.max(first).dataSync()[0],
        rowSumError: tf.max(tf.abs(tf.sub(tf.sum(first, 1), 1))).dataSync()[0],
      };
    });
    const randomized = predictionsDiffer || difference > RANDOMIZED_TOLERANCE;
    const figures = { maxNormalizedLogitDifference: difference };
    let randomCheck: SanityCheck;
    if (version === 'rand') {
      randomCheck = {
        name: 'randomized',
        passed: true,
        message: randomized
          ? "randomized model evaluated with version 'rand' (EOT), as it should be"
          : "two calls gave the same logits: the model looks deterministic, so version 'standard' is the stronger evaluation",
        figures,
      };
    } else {
      randomCheck = {
        name: 'randomized',
        passed: !randomized,
        message: randomized
          ? `two calls on the same input differ (max normalized-logit difference ${difference.toExponential(2)}): the model ` +
            `looks randomized, so version '${version}' overestimates robustness; use version 'rand' (EOT 20)`
          : 'two calls on the same input agree: the model looks deterministic',
        figures,
      };
    }
    const looksLikeProbabilities = lo > -PROBABILITY_TOLERANCE && hi < 1 + PROBABILITY_TOLERANCE && rowSumError < PROBABILITY_TOLERANCE;
    const probabilityCheck: SanityCheck = {
      name: 'logits-not-probabilities',
      passed: !looksLikeProbabilities,
      message: looksLikeProbabilities
        ? 'the outputs are in [0, 1] and every row sums to 1: they look like probabilities; pass logits (no softmax)'
        : 'the outputs are not probability rows',
      figures: { min: lo, max: hi, maxRowSumError: rowSumError },
    };
    return { randomized, classes: first.shape[1], checks: [randomCheck, probabilityCheck] };
  } finally {
    tf.dispose([first, second]);
  }
}

/** Points whose cross-entropy input gradient is exactly zero: gradient attacks cannot move them. */
export function zeroGradientCheck(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D): SanityCheck {
  const zero = tf.tidy(() => {
    const grad = tf.grad((input: tf.Tensor) => tf.sum(crossEntropyPerSample(logitsFn(input as tf.Tensor4D), y)))(x);
    return tf.sum(tf.cast(tf.equal(tf.sum(tf.abs(grad), [1, 2, 3]), 0), 'float32')).dataSync()[0];
  });
  return {
    name: 'zero-gradients',
    passed: zero === 0,
    message:
      zero === 0
        ? 'every checked point has a non-zero input gradient'
        : `${zero} of ${x.shape[0]} checked points have an all-zero input gradient: gradient-based attacks are unreliable ` +
          'there (masked gradients); trust the score-based Square result and consider an adaptive attack',
    figures: { checked: x.shape[0], zeroGradient: zero },
  };
}

export function targetClassesCheck(plan: AutoAttackPlan, classes: number): SanityCheck | undefined {
  const targeted = plan.attacks.filter((a) => a === 'apgd-t' || a === 'fab-t');
  if (targeted.length === 0) return undefined;
  const used = Math.min(plan.nTargetClasses, classes - 1);
  return {
    name: 'target-classes',
    passed: true,
    message:
      used < plan.nTargetClasses
        ? `${targeted.join(' and ')} use ${used} target classes: the model has ${classes} classes (${plan.nTargetClasses} requested)`
        : `${targeted.join(' and ')} use ${used} target classes`,
    figures: { requested: plan.nTargetClasses, used, classes },
  };
}

/**
 * Square (no gradients) breaking points that every earlier white-box attack missed signals gradient
 * masking (reference `check_square_sr`, threshold 0.2 percentage points).
 */
export function squareCheck(log: AutoAttackLogEntry[]): SanityCheck | undefined {
  const at = log.findIndex((entry) => entry.attack === 'square');
  if (at < 1) return undefined;
  const before = log[at - 1].robustAccuracy;
  const after = log[at].robustAccuracy;
  const drop = before - after;
  return {
    name: 'square-success',
    passed: !(drop > SQUARE_TOLERANCE),
    message:
      drop > SQUARE_TOLERANCE
        ? `Square lowered robust accuracy by ${drop.toFixed(2)} points below the gradient attacks before it: ` +
          'the gradients may be masked; run Square with more queries/restarts or an adaptive attack'
        : 'Square found (almost) nothing the gradient attacks missed',
    figures: { robustBeforeSquare: before, robustAfterSquare: after },
  };
}

/** Final invariants: ‖x_adv − x‖∞ ≤ ε (+1e-6), x_adv in [0, 1], no NaN. A violation is a bug: it throws. */
export function perturbationCheck(xAdv: tf.Tensor4D, x: tf.Tensor4D, eps: number, norm: LpNorm = 'Linf'): SanityCheck {
  const [maxPerturbation, lo, hi, nan] = tf.tidy(() =>
    [tf.max(lpPerSample(norm, tf.sub(xAdv, x))), tf.min(xAdv), tf.max(xAdv), tf.any(tf.isNaN(xAdv))].map((t) => t.dataSync()[0]),
  );
  const passed = maxPerturbation <= withinBudget(norm, eps) && lo >= 0 && hi <= 1 && !nan;
  const message = `max ${norm === 'Linf' ? 'ℓ∞' : 'ℓ2'} perturbation ${maxPerturbation.toExponential(3)} (ε = ${eps}), x_adv in [${lo}, ${hi}]${nan ? ', NaN found' : ''}`;
  if (!passed) throw new Error(`autoAttack: adversarial examples violate the threat model: ${message}`);
  return { name: 'perturbation-bound', passed, message, figures: { maxPerturbation, eps, min: lo, max: hi } };
}

/** The largest distance that counts as inside the ball: ε plus float32 rounding (an ℓ2 norm sums many squares). */
export function withinBudget(norm: LpNorm, eps: number): number {
  return norm === 'Linf' ? eps + 1e-6 : eps * (1 + 1e-5) + 1e-6;
}
