import * as tf from '@tensorflow/tfjs-core';
import { expectedLoss } from './expected-loss';
import { checkNorm, normalizeL2, projectBall, steepestDirection, type LpNorm } from './lp-norm';
import { linfStep } from './linf-step';
import { lossAndInputGradient } from './loss-and-input-gradient';
import { deriveSeed } from './seed';
import type { LogitsFn } from './types';

export type PgdOptions = {
  /** Radius in pixel units (inputs are in [0, 1]): ℓ∞ e.g. 8/255, ℓ2 e.g. 0.5 (CIFAR) or 1.5 (MNIST). */
  eps: number;
  /** Threat model: 'Linf' (default) steps by α·sign(∇), 'L2' by α·∇/‖∇‖₂ and projects onto the ℓ2 ball. */
  norm?: LpNorm;
  /**
   * Targeted PGD: per sample the class to reach. The attack then descends the cross-entropy to the target
   * (x ← x − α·dir(∇ CE(x, target))) instead of ascending it to the true label; `keep: 'best'` keeps the
   * lowest-target-loss point. Default: untargeted.
   */
  target?: tf.Tensor1D;
  /** Number of gradient steps. */
  steps: number;
  /** α per step, e.g. min(1.25ε, ε + 4/255) / steps as in the FLOAT training code. */
  stepSize: number;
  /** Start from a random point of the ball: ℓ∞ clip01(x + U(−ε, ε)) (Madry); ℓ2 clip01(x + r·ε·n/‖n‖₂), n ~ N(0, I), r ~ U(0, 1) (torchattacks' PGDL2). Default true. */
  randomStart?: boolean;
  /** Gradients averaged per step, each from its own `logitsFn` call (EOT for randomized models). Default 1. */
  eot?: number;
  /** Seeds the random start (a safe integer; the same seed gives the same start); omitted means unseeded. */
  seed?: number;
  /** 'last' iterate (reference code) or, per sample, the highest-loss point seen, x itself included. Default 'last'. */
  keep?: 'last' | 'best';
};

/** Random start stream for `deriveSeed`; other streams stay free for e.g. restarts. */
const RANDOM_START_STREAM = 0;

type Candidate = { x: tf.Tensor4D; loss: tf.Tensor1D };

/**
 * PGD maximizing summed cross-entropy: ℓ∞ x ← clip01(project_ε(x + α·sign(∇x))), ℓ2 with ∇x/‖∇x‖₂ and the
 * ℓ2 projection; targeted, minimizing the cross-entropy to `target` instead.
 *
 * `logitsFn` is called steps·eot times with keep 'last', and (steps + 2)·eot times with keep 'best'
 * (the clean point and the final iterate need their own loss). Returns a new tensor the caller owns.
 * Invalid options throw a RangeError before `logitsFn` is called.
 */
export function pgd(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, options: PgdOptions): tf.Tensor4D {
  const { eps, steps, stepSize, randomStart = true, eot = 1, seed, keep = 'last', norm = 'Linf', target } = options;
  checkOptions({ eps, steps, stepSize, eot, keep, seed });
  checkNorm('pgd', norm, eps);
  if (target && (target.rank !== 1 || target.shape[0] !== x.shape[0])) throw new RangeError(`pgd: target must be [${x.shape[0]}] (one class per image), got [${target.shape}]`);
  // Targeted: the labels of the loss are the targets, and every loss and step changes sign (descent).
  const labels = target ?? y;
  const sign = target ? -1 : 1;
  const lossOf = (point: tf.Tensor4D) => tf.tidy(() => tf.mul<tf.Tensor1D>(expectedLoss(logitsFn, point, labels, eot), sign));

  let xAdv = randomStart ? randomStartPoint(x, eps, norm, seed) : tf.clone(x);
  let best: Candidate | undefined;
  try {
    // x itself lies in the ball, so it is the first candidate: a 'best' result never has lower loss than x.
    if (keep === 'best') best = tf.tidy(() => ({ x: tf.clone(x), loss: lossOf(x) }));

    for (let t = 0; t < steps; t++) {
      const current = xAdv;
      const previousBest = best;
      const step = tf.tidy(() => {
        const { loss, grad } = lossAndInputGradient(logitsFn, current, labels, eot);
        const next =
          norm === 'Linf'
            ? linfStep(current, grad, x, sign * stepSize, eps)
            : projectBall(norm, tf.add(current, tf.mul(steepestDirection(norm, grad), sign * stepSize)), x, eps);
        return { next, best: previousBest && higherLoss(previousBest, { x: current, loss: tf.mul<tf.Tensor1D>(loss, sign) }) };
      });
      current.dispose();
      if (previousBest) disposeCandidate(previousBest);
      xAdv = step.next;
      best = step.best;
    }

    if (!best) return xAdv;
    const finalBest = best;
    const lastLoss = lossOf(xAdv);
    const result = tf.tidy(() => higherLoss(finalBest, { x: xAdv, loss: lastLoss }).x);
    lastLoss.dispose();
    disposeCandidate(finalBest);
    xAdv.dispose();
    return result;
  } catch (error) {
    // A throwing logitsFn must not leak the iterate: tidy already freed everything inside the failed step.
    if (!xAdv.isDisposed) xAdv.dispose();
    if (best && !best.x.isDisposed) disposeCandidate(best);
    throw error;
  }
}

function randomStartPoint(x: tf.Tensor4D, eps: number, norm: LpNorm, seed: number | undefined): tf.Tensor4D {
  const startSeed = seed === undefined ? undefined : deriveSeed(seed, RANDOM_START_STREAM);
  if (norm === 'Linf') return tf.tidy(() => tf.clipByValue(tf.add<tf.Tensor4D>(x, tf.randomUniform(x.shape, -eps, eps, 'float32', startSeed)), 0, 1));
  const radiusSeed = seed === undefined ? undefined : deriveSeed(seed, RANDOM_START_STREAM + 1);
  return tf.tidy(() => {
    const direction = normalizeL2(tf.randomNormal(x.shape, 0, 1, 'float32', startSeed));
    const radius = tf.mul(tf.randomUniform([x.shape[0], 1, 1, 1], 0, 1, 'float32', radiusSeed), eps);
    return tf.clipByValue(tf.add<tf.Tensor4D>(x, tf.mul(direction, radius)), 0, 1);
  });
}

/** Per sample, the candidate with the higher loss; ties keep `a`, so earlier iterates (and x) win. */
function higherLoss(a: Candidate, b: Candidate): Candidate {
  return tf.tidy(() => {
    const bWins = tf.greater(b.loss, a.loss);
    const bWinsPerPixel = tf.reshape(bWins, [bWins.shape[0], 1, 1, 1]);
    return {
      x: tf.where(bWinsPerPixel, b.x, a.x) as tf.Tensor4D,
      loss: tf.where(bWins, b.loss, a.loss) as tf.Tensor1D,
    };
  });
}

function disposeCandidate(candidate: Candidate): void {
  candidate.x.dispose();
  candidate.loss.dispose();
}

type CheckedOptions = Required<Pick<PgdOptions, 'eps' | 'steps' | 'stepSize' | 'eot' | 'keep'>> & Pick<PgdOptions, 'seed'>;

function checkOptions({ eps, steps, stepSize, eot, keep, seed }: CheckedOptions): void {
  if (!(eps >= 0 && Number.isFinite(eps))) throw new RangeError(`eps must be a finite number ≥ 0, got ${eps}`);
  if (!(Number.isInteger(steps) && steps >= 0)) throw new RangeError(`steps must be an integer ≥ 0, got ${steps}`);
  if (!(stepSize >= 0 && Number.isFinite(stepSize))) {
    throw new RangeError(`stepSize must be a finite number ≥ 0, got ${stepSize}`);
  }
  if (!(Number.isInteger(eot) && eot >= 1)) throw new RangeError(`eot must be an integer ≥ 1, got ${eot}`);
  // Untyped callers: a typo such as 'Best' must not silently fall back to 'last'.
  if (keep !== 'last' && keep !== 'best') throw new RangeError(`keep must be 'last' or 'best', got ${String(keep)}`);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
}
