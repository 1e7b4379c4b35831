import type * as tf from '@tensorflow/tfjs-core';
import type { BatchOptions } from './accuracy';
import { batchRanges } from './batches';
import { correctPredictions } from './correct-predictions';
import { percentTrue } from './percent';
import { sliceBatch } from './slice-batch';
import type { AttackFn, LogitsFn } from './types';

export type AttackAccuracy = {
  /** Per sample: the clean input is classified correctly. */
  cleanCorrect: boolean[];
  /** Per sample: the adversarial input is classified correctly. */
  advCorrect: boolean[];
  /** Clean accuracy, percent (0-100). */
  ca: number;
  /** Robust accuracy, percent (0-100): clean AND adversarial prediction correct. */
  ra: number;
};

/**
 * Attacks batch by batch and classifies each adversarial batch with a fresh `logitsFn` call (for a
 * randomized model, the attack's noise draws are not reused for the verdict).
 *
 * A sample counts as robust only if both its clean and its adversarial input are classified correctly:
 * x itself lies in the ε-ball, so a misclassified x is already a successful attack (AutoAttack's rule).
 */
export async function attackAccuracy(
  attackFn: AttackFn,
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  { batchSize }: BatchOptions,
): Promise<AttackAccuracy> {
  const cleanCorrect: boolean[] = [];
  const advCorrect: boolean[] = [];
  for (const range of batchRanges(x.shape[0], batchSize)) {
    const { xb, yb } = sliceBatch(x, y, range);
    let xAdv: tf.Tensor4D | undefined;
    try {
      cleanCorrect.push(...(await correctPredictions(logitsFn, xb, yb)));
      xAdv = attackFn(logitsFn, xb, yb);
      advCorrect.push(...(await correctPredictions(logitsFn, xAdv, yb)));
    } finally {
      xb.dispose();
      yb.dispose();
      xAdv?.dispose();
    }
  }
  return {
    cleanCorrect,
    advCorrect,
    ca: percentTrue(cleanCorrect),
    ra: percentTrue(cleanCorrect.map((clean, i) => clean && advCorrect[i])),
  };
}
