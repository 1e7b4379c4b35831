import * as tf from '@tensorflow/tfjs-core';
import type { IterateHook } from './apgd-run';
import { checkBatch, checkEps, checkFraction, checkInteger, checkSeed } from './check-options';
import { labelArray, predictedClasses } from './predicted-classes';
import { RestartBook, type SubsetRun } from './restart-book';
import { checkNorm, type LpNorm } from './lp-norm';
import { gatherRows } from './rows';
import { attackStream, randomSign } from './seeded-random';
import { squareL2Run } from './square-l2-run';
import { acceptCandidates, margins, squareResult } from './square-margins';
import type { SquareRunSettings } from './square-run-settings';
import { squarePSchedule } from './square-schedule';

export { squarePSchedule } from './square-schedule';
import type { LogitsFn } from './types';

export type SquareOptions = {
  /** Radius in pixel units (inputs in [0, 1]). */
  eps: number;
  /** Threat model: 'Linf' (default) or 'L2' (Square-ℓ2: pseudo-Gaussian window updates at ‖δ‖₂ = ε). */
  norm?: LpNorm;
  /** Iterations (one model query per still-robust point each) per restart. Default 5000 (AutoAttack). */
  nQueries?: number;
  /** Initial fraction p of pixels changed per square; it shrinks on the reference's schedule. Default 0.8. */
  pInit?: number;
  /** Runs, each on the points no earlier run fooled. Default 1. */
  nRestarts?: number;
  /** Rescale the p schedule to `nQueries` (as if it were 10 000); AutoAttack uses false. Default false. */
  rescaleSchedule?: boolean;
  /** Seeds windows and signs; the same seed replays the attack. Default 0. */
  seed?: number;
  /** Debug hook called with every candidate batch and its clean points. */
  onIterate?: IterateHook;
};

/**
 * Square Attack, ℓ∞ (Andriushchenko et al. 2020), the score-based member of AutoAttack: it needs logits
 * only, never gradients, so gradient masking does not stop it. Start from vertical stripes x ± ε (one sign
 * per column and channel); each iteration sets a random s×s window, per channel, to x ± ε and keeps it if
 * the margin z_y − max_{k≠y} z_k drops (or the point becomes misclassified). The window side is
 * s = round(√(p·h·w)), clamped to [1, min(h, w)].
 *
 * Windows and signs are drawn per point (as in the original code; AutoAttack's PyTorch port shares them
 * across the batch) and positions range over every valid offset. Returns a new tensor: per point the
 * fooling point or else the lowest-margin point; all lie in the ε-ball ∩ [0, 1].
 */
export function square(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, options: SquareOptions): tf.Tensor4D {
  const { eps, nQueries = 5000, pInit = 0.8, nRestarts = 1, rescaleSchedule = false, seed = 0, onIterate, norm = 'Linf' } = options;
  checkEps('square', eps);
  checkNorm('square', norm, eps);
  checkInteger('square', 'nQueries', nQueries, 0);
  checkFraction('square', 'pInit', pInit);
  checkInteger('square', 'nRestarts', nRestarts, 1);
  checkSeed('square', seed);
  checkBatch('square', x, y);

  const labels = labelArray(y);
  const predicted = predictedClasses(logitsFn, x);
  const book = new RestartBook(x, Array.from(labels, (label, i) => predicted[i] === label));
  try {
    for (let restart = 0; restart < nRestarts; restart++) {
      const indices = book.robustIndices();
      if (indices.length === 0) break;
      const xs = gatherRows(x, indices);
      try {
        const run = (norm === 'Linf' ? squareRun : squareL2Run)(logitsFn, xs, Int32Array.from(indices, (i) => labels[i]), {
          eps,
          nQueries,
          pInit,
          rescaleTo: rescaleSchedule ? nQueries : undefined,
          random: attackStream(seed, restart),
          onIterate,
        });
        book.merge(indices, run);
        run.adv.dispose();
      } finally {
        xs.dispose();
      }
    }
    return book.take();
  } catch (error) {
    book.dispose();
    throw error;
  }
}


function squareRun(logitsFn: LogitsFn, x: tf.Tensor4D, labels: Int32Array, settings: SquareRunSettings): SubsetRun {
  const { eps, nQueries, pInit, rescaleTo, random, onIterate } = settings;
  const [n, h, w, c] = x.shape;
  const features = h * w * c;
  const origin = x.dataSync() as Float32Array;
  const clip = (k: number, value: number) => Math.min(1, Math.max(0, Math.min(origin[k] + eps, Math.max(origin[k] - eps, value))));

  // Vertical stripes: one sign per (point, column, channel), the same down the column.
  const best = new Float32Array(origin.length);
  for (let i = 0; i < n; i++) {
    for (let col = 0; col < w; col++) {
      for (let ch = 0; ch < c; ch++) {
        const sign = randomSign(random);
        for (let row = 0; row < h; row++) {
          const k = i * features + (row * w + col) * c + ch;
          best[k] = clip(k, origin[k] + sign * eps);
        }
      }
    }
  }
  const margin = margins(logitsFn, best, x.shape, labels, Array.from({ length: n }, (_, i) => i), x, onIterate);

  for (let iteration = 0; iteration < nQueries; iteration++) {
    const active = Array.from({ length: n }, (_, i) => i).filter((i) => margin[i] > 0);
    if (active.length === 0) break;
    const p = squarePSchedule(iteration, pInit, rescaleTo);
    const side = Math.min(Math.max(Math.round(Math.sqrt(p * h * w)), 1), Math.min(h, w));
    const candidate = new Float32Array(active.length * features);
    active.forEach((i, a) => {
      candidate.set(best.subarray(i * features, (i + 1) * features), a * features);
      const top = random.nextInt(h - side + 1);
      const left = random.nextInt(w - side + 1);
      for (let ch = 0; ch < c; ch++) {
        const step = 2 * eps * randomSign(random);
        for (let row = top; row < top + side; row++) {
          for (let col = left; col < left + side; col++) {
            const offset = (row * w + col) * c + ch;
            candidate[a * features + offset] = clip(i * features + offset, best[i * features + offset] + step);
          }
        }
      }
    });
    const candidateMargin = margins(logitsFn, candidate, [active.length, h, w, c], labels, active, x, onIterate);
    acceptCandidates(active, candidate, candidateMargin, best, margin, features);
  }
  return squareResult(logitsFn, best, x.shape, labels, margin);
}
