import * as tf from '@tensorflow/tfjs-core';
import { mergeRows } from './rows';

/** What one run of an attack on a subset of points found, row for row. */
export type SubsetRun = {
  /** Points found by the run, [subset, h, w, c]. */
  adv: tf.Tensor4D;
  /** Per row: the run fooled the model there. */
  fooled: boolean[];
  /** Per row: how good a non-fooling point is (higher is better, e.g. the loss); −Infinity never kept. */
  score: ArrayLike<number>;
};

/**
 * Bookkeeping shared by attacks with restarts (or target classes): each run attacks only the points that
 * are still robust; a fooled point is final, and a robust point keeps its best-scoring candidate so far
 * (x itself until a run beats it). Owns one tensor, the result, until `take`.
 */
export class RestartBook {
  private result: tf.Tensor4D;
  private readonly scores: Float64Array;
  readonly robust: boolean[];

  constructor(x: tf.Tensor4D, robust: readonly boolean[]) {
    this.result = tf.clone(x);
    this.scores = new Float64Array(x.shape[0]).fill(Number.NEGATIVE_INFINITY);
    this.robust = robust.slice();
  }

  robustIndices(): number[] {
    return this.robust.flatMap((isRobust, i) => (isRobust ? [i] : []));
  }

  /** Applies a run made on rows `indices` (in that order); does not dispose `run.adv`. */
  merge(indices: readonly number[], run: SubsetRun): void {
    const rows: number[] = [];
    const positions: number[] = [];
    indices.forEach((row, k) => {
      const better = run.score[k] > this.scores[row];
      if (run.fooled[k] || better) {
        rows.push(row);
        positions.push(k);
      }
      if (run.fooled[k]) this.robust[row] = false;
      if (better) this.scores[row] = run.score[k];
    });
    if (rows.length === 0) return;
    const picked = tf.tidy(() => tf.gather(run.adv, tf.tensor1d(positions, 'int32')) as tf.Tensor4D);
    const merged = mergeRows(this.result, picked, rows);
    picked.dispose();
    this.result.dispose();
    this.result = merged;
  }

  /** The result tensor; the caller owns it and the book must not be used afterwards. */
  take(): tf.Tensor4D {
    return this.result;
  }

  dispose(): void {
    if (!this.result.isDisposed) this.result.dispose();
  }
}
