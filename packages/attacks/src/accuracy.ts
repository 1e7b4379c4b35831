import type * as tf from '@tensorflow/tfjs-core';
import { batchRanges } from './batches';
import { correctPredictions } from './correct-predictions';
import { percentTrue } from './percent';
import { sliceBatch } from './slice-batch';
import type { LogitsFn } from './types';

export type BatchOptions = {
  /** Samples per `logitsFn` call; bounds memory on large inputs. */
  batchSize: number;
};

/**
 * Clean accuracy in percent (0-100), batch by batch. A randomized model gives one draw per batch;
 * average several calls to report its expected accuracy.
 */
export async function accuracy(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  { batchSize }: BatchOptions,
): Promise<number> {
  const correct: boolean[] = [];
  for (const range of batchRanges(x.shape[0], batchSize)) {
    const { xb, yb } = sliceBatch(x, y, range);
    try {
      correct.push(...(await correctPredictions(logitsFn, xb, yb)));
    } finally {
      xb.dispose();
      yb.dispose();
    }
  }
  return percentTrue(correct);
}
