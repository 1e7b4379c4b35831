import * as tf from '@tensorflow/tfjs-core';
import { apgdRun, type IterateHook } from './apgd-run';
import { checkBatch, checkEps, checkFraction, checkInteger, checkSeed } from './check-options';
import { crossEntropyPerSample } from './cross-entropy';
import { dlrLoss } from './dlr-loss';
import type { PerSampleLoss } from './eot-gradient';
import { checkNorm, type LpNorm } from './lp-norm';
import { labelArray, predictedClasses } from './predicted-classes';
import { RestartBook } from './restart-book';
import { gatherRows } from './rows';
import { deriveSeed } from './seed';
import type { LogitsFn } from './types';

export type ApgdLoss = 'ce' | 'dlr';

export type ApgdOptions = {
  /** Radius in pixel units (inputs in [0, 1]): ℓ∞ e.g. 8/255, ℓ2 e.g. 0.5. */
  eps: number;
  /** Threat model, 'Linf' (default) or 'L2' (the reference's APGD-ℓ2). */
  norm?: LpNorm;
  /** Iterations per restart. Default 100. */
  nIter?: number;
  /** Runs, each from a new random start and only on the points no earlier run fooled. Default 1. */
  nRestarts?: number;
  /** 'ce' (cross-entropy, APGD-CE) or 'dlr' (APGD-DLR, needs ≥ 3 classes). Default 'ce'. */
  loss?: ApgdLoss;
  /** Step-size halving threshold ρ on the share of loss-increasing steps. Default 0.75. */
  rho?: number;
  /** Gradients (and losses, logits) averaged per step over this many `logitsFn` calls. Default 1. */
  eot?: number;
  /** Seeds the random starts; the same seed replays the same attack. Default 0. */
  seed?: number;
  /** Debug hook called with every iterate and its clean points. */
  onIterate?: IterateHook;
  /**
   * Attack every point, also those misclassified at x (which are otherwise returned as x). For a randomized
   * model, misclassified at x is one draw's (or the EOT mean's) verdict: x is no candidate to keep. Default false.
   */
  attackMisclassified?: boolean;
};

/** The `deriveSeed` stream of restart r; APGD-T uses its own streams. */
const APGD_RESTART_STREAM = 100;

/**
 * APGD, ℓ∞ or ℓ2 (Croce & Hein 2020), the first attack of AutoAttack: step-size-free PGD with momentum,
 * checkpoints and restarts. Points misclassified at x are left as x (already adversarial) unless
 * `attackMisclassified`.
 *
 * Returns a new tensor: per point the iterate that fooled the model, or else the highest-loss iterate
 * over all restarts. Every returned point lies in the ε-ball around x and in [0, 1]. `logitsFn` is called
 * eot·(nIter + 1) times per restart plus eot times for the clean predictions (none with `attackMisclassified`).
 */
export function apgd(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, options: ApgdOptions): tf.Tensor4D {
  const { eps, nIter = 100, nRestarts = 1, loss = 'ce', rho = 0.75, eot = 1, seed = 0, onIterate, attackMisclassified = false, norm = 'Linf' } = options;
  checkApgdOptions('apgd', { eps, nIter, nRestarts, rho, eot, seed });
  checkNorm('apgd', norm, eps);
  checkBatch('apgd', x, y);
  if (loss !== 'ce' && loss !== 'dlr') throw new RangeError(`apgd: loss must be 'ce' or 'dlr', got ${String(loss)}`);
  const lossFn: PerSampleLoss = loss === 'ce' ? crossEntropyPerSample : dlrLoss;

  const labels = labelArray(y);
  const predicted = attackMisclassified ? labels : predictedClasses(logitsFn, x, eot);
  const book = new RestartBook(x, Array.from(labels, (label, i) => predicted[i] === label));
  try {
    for (let restart = 0; restart < nRestarts; restart++) {
      const indices = book.robustIndices();
      if (indices.length === 0) break;
      const xs = gatherRows(x, indices);
      const ys = gatherRows(y, indices);
      try {
        const run = apgdRun(logitsFn, xs, ys, lossFn, {
          eps,
          norm,
          nIter,
          rho,
          eot,
          startSeed: deriveSeed(seed, APGD_RESTART_STREAM + restart),
          onIterate,
        });
        book.merge(indices, run);
        run.adv.dispose();
      } finally {
        tf.dispose([xs, ys]);
      }
    }
    return book.take();
  } catch (error) {
    book.dispose();
    throw error;
  }
}

export function checkApgdOptions(
  attack: string,
  o: { eps: number; nIter: number; nRestarts: number; rho: number; eot: number; seed: number },
): void {
  checkEps(attack, o.eps);
  checkInteger(attack, 'nIter', o.nIter, 1);
  checkInteger(attack, 'nRestarts', o.nRestarts, 1);
  checkFraction(attack, 'rho', o.rho);
  checkInteger(attack, 'eot', o.eot, 1);
  checkSeed(attack, o.seed);
}
