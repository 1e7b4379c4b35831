import * as tf from '@tensorflow/tfjs-core';
import { exactSign } from './exact-sign';
import { expectedLoss } from './expected-loss';
import { lossAndInputGradient } from './loss-and-input-gradient';
import { projectLinf } from './project-linf';
import { deriveSeed } from './seed';
import type { LogitsFn } from './types';

export type PgdOptions = {
  /** ℓ∞ radius in pixel units (inputs are in [0, 1]), e.g. 8/255. */
  eps: number;
  /** Number of gradient steps. */
  steps: number;
  /** α per step, e.g. min(1.25ε, ε + 4/255) / steps as in the FLOAT training code. */
  stepSize: number;
  /** Start from clip01(x + U(−ε, ε)) (Madry). Default true. */
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
 * ℓ∞ PGD maximizing summed cross-entropy: x ← clip01(project_ε(x + α·sign(∇x))).
 *
 * `logitsFn` is called steps·eot times with keep 'last', and (steps + 2)·eot times with keep 'best'
 * (the clean point and the final iterate need their own loss). Returns a new tensor the caller owns.
 * Invalid options throw a RangeError before `logitsFn` is called.
 */
export function pgd(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, options: PgdOptions): tf.Tensor4D {
  const { eps, steps, stepSize, randomStart = true, eot = 1, seed, keep = 'last' } = options;
  checkOptions({ eps, steps, stepSize, eot, keep, seed });

  let xAdv = randomStart ? randomStartPoint(x, eps, seed) : tf.clone(x);
  let best: Candidate | undefined;
  try {
    // x itself lies in the ball, so it is the first candidate: a 'best' result never has lower loss than x.
    if (keep === 'best') best = tf.tidy(() => ({ x: tf.clone(x), loss: expectedLoss(logitsFn, x, y, eot) }));

    for (let t = 0; t < steps; t++) {
      const current = xAdv;
      const previousBest = best;
      const step = tf.tidy(() => {
        const { loss, grad } = lossAndInputGradient(logitsFn, current, y, eot);
        const next = projectLinf(tf.add(current, tf.mul(exactSign(grad), stepSize)), x, eps);
        return { next, best: previousBest && higherLoss(previousBest, { x: current, loss }) };
      });
      current.dispose();
      if (previousBest) disposeCandidate(previousBest);
      xAdv = step.next;
      best = step.best;
    }

    if (!best) return xAdv;
    const finalBest = best;
    const lastLoss = expectedLoss(logitsFn, xAdv, y, eot);
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

function randomStartPoint(x: tf.Tensor4D, eps: number, seed: number | undefined): tf.Tensor4D {
  const startSeed = seed === undefined ? undefined : deriveSeed(seed, RANDOM_START_STREAM);
  return tf.tidy(() => tf.clipByValue(tf.add<tf.Tensor4D>(x, tf.randomUniform(x.shape, -eps, eps, 'float32', startSeed)), 0, 1));
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
