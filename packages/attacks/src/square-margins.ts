import * as tf from '@tensorflow/tfjs-core';
import type { IterateHook } from './apgd-run';
import { predictedClasses } from './predicted-classes';
import type { SubsetRun } from './restart-book';
import { gatherRows } from './rows';
import type { LogitsFn } from './types';

/**
 * z_y − max_{k≠y} z_k for the images in `values` (rows `rows` of the run), from one `logitsFn` call.
 * With a hook, the batch and its clean points (rows of `origin`) are shown to it first.
 */
export function margins(
  logitsFn: LogitsFn,
  values: Float32Array,
  shape: [number, number, number, number],
  labels: Int32Array,
  rows: number[],
  origin: tf.Tensor4D,
  onIterate?: IterateHook,
): Float64Array {
  const logits = tf.tidy(() => {
    const batch = tf.tensor4d(values, shape);
    if (onIterate) onIterate(batch, gatherRows(origin, rows));
    return logitsFn(batch);
  });
  try {
    const z = logits.dataSync();
    const classes = logits.shape[1];
    return Float64Array.from(rows, (row, a) => {
      const label = labels[row];
      let other = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < classes; k++) if (k !== label) other = Math.max(other, z[a * classes + k]);
      return z[a * classes + label] - other;
    });
  } finally {
    logits.dispose();
  }
}

/** Keeps, per active point, a candidate whose margin dropped or that is misclassified (both Square variants). */
export function acceptCandidates(active: number[], candidate: Float32Array, candidateMargin: Float64Array, best: Float32Array, margin: Float64Array, features: number): void {
  active.forEach((i, a) => {
    if (candidateMargin[a] < margin[i] || candidateMargin[a] <= 0) {
      margin[i] = candidateMargin[a];
      best.set(candidate.subarray(a * features, (a + 1) * features), i * features);
    }
  });
}

/** A run's result: the best points, which a fresh call misclassifies, and −margin as the score. */
export function squareResult(logitsFn: LogitsFn, best: Float32Array, shape: [number, number, number, number], labels: Int32Array, margin: Float64Array): SubsetRun {
  const adv = tf.tensor4d(best, shape);
  try {
    const verdict = predictedClasses(logitsFn, adv);
    return { adv, fooled: Array.from(labels, (label, i) => verdict[i] !== label), score: Array.from(margin, (m) => -m) };
  } catch (error) {
    adv.dispose();
    throw error;
  }
}
