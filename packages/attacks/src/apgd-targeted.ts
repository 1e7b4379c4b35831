import * as tf from '@tensorflow/tfjs-core';
import { checkApgdOptions, type ApgdOptions } from './apgd';
import { apgdRun } from './apgd-run';
import { checkBatch, checkInteger } from './check-options';
import { checkNorm } from './lp-norm';
import { targetedDlrLoss } from './dlr-loss';
import { labelArray, meanLogits } from './predicted-classes';
import { RestartBook } from './restart-book';
import { gatherRows } from './rows';
import { deriveSeed } from './seed';
import type { LogitsFn } from './types';

export type ApgdTargetedOptions = Omit<ApgdOptions, 'loss' | 'attackMisclassified'> & {
  /**
   * Target classes tried in turn: the 2nd, 3rd, … highest clean logits. Default 9 (AutoAttack); more
   * than classes − 1 is clamped.
   */
  nTargetClasses?: number;
};

/** `deriveSeed` streams of APGD-T: target rank r and restart k use stream base + 1000·r + k. */
const TARGETED_STREAM = 10_000;

/**
 * APGD-T (Croce & Hein 2020): APGD on the targeted DLR loss, run once per target class (the 2nd…10th
 * highest clean logits, recomputed on the points still robust) and `nRestarts` times per target, each run
 * only on the points no earlier run fooled. Needs ≥ 4 classes. Returns a new tensor, per point the
 * fooling iterate or else the highest-loss one; every point lies in the ε-ball ∩ [0, 1].
 */
export function apgdTargeted(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: ApgdTargetedOptions,
): tf.Tensor4D {
  const { eps, nIter = 100, nRestarts = 1, rho = 0.75, eot = 1, seed = 0, nTargetClasses = 9, onIterate, norm = 'Linf' } = options;
  checkApgdOptions('apgdTargeted', { eps, nIter, nRestarts, rho, eot, seed });
  checkNorm('apgdTargeted', norm, eps);
  checkInteger('apgdTargeted', 'nTargetClasses', nTargetClasses, 1);
  checkBatch('apgdTargeted', x, y);

  const labels = labelArray(y);
  const cleanLogits = meanLogits(logitsFn, x, eot);
  const classes = cleanLogits.shape[1];
  const ranking = rankClasses(cleanLogits);
  cleanLogits.dispose();
  if (classes < 4) throw new RangeError(`apgdTargeted: the targeted DLR loss needs ≥ 4 classes, the model has ${classes}`);
  const targets = Math.min(nTargetClasses, classes - 1);

  const book = new RestartBook(x, Array.from(labels, (label, i) => ranking[i][0] === label));
  try {
    for (let rank = 2; rank <= targets + 1; rank++) {
      for (let restart = 0; restart < nRestarts; restart++) {
        const indices = book.robustIndices();
        if (indices.length === 0) return book.take();
        const xs = gatherRows(x, indices);
        const ys = gatherRows(y, indices);
        const target = tf.tensor1d(indices.map((i) => ranking[i][rank - 1]), 'int32');
        try {
          const run = apgdRun(logitsFn, xs, ys, (logits, labelsT) => targetedDlrLoss(logits, labelsT, target), {
            eps,
            norm,
            nIter,
            rho,
            eot,
            startSeed: deriveSeed(seed, TARGETED_STREAM + 1000 * rank + restart),
            onIterate,
          });
          book.merge(indices, run);
          run.adv.dispose();
        } finally {
          tf.dispose([xs, ys, target]);
        }
      }
    }
    return book.take();
  } catch (error) {
    book.dispose();
    throw error;
  }
}

/** Per row, the class indices sorted by decreasing logit. */
export function rankClasses(logits: tf.Tensor2D): number[][] {
  const [n, classes] = logits.shape;
  const values = logits.dataSync();
  return Array.from({ length: n }, (_, i) => {
    const row = values.subarray(i * classes, (i + 1) * classes);
    return Array.from({ length: classes }, (_, c) => c).sort((a, b) => row[b] - row[a] || a - b);
  });
}
