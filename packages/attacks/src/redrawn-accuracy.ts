import * as tf from '@tensorflow/tfjs-core';
import { batchRanges } from './batches';
import { checkBatch, checkInteger } from './check-options';
import type { LogitsFn } from './types';

export type RedrawnAccuracyOptions = {
  /** Independent rounds of forwards. */
  draws: number;
  /** Points per forward. Default 250. */
  batchSize?: number;
};

/**
 * Mean, sample standard deviation (0 for one draw) and per-draw values, in percent; `counts`: the points
 * right in each draw (what results computed on disjoint slices of a test set add up from).
 */
export type DrawnFigure = { mean: number; std: number; perDraw: number[]; counts: number[] };

export type RedrawnAccuracy = {
  clean: DrawnFigure;
  /** One per group of adversarial inputs, in order. */
  robust: DrawnFigure[];
};

/**
 * Clean and robust accuracy re-drawn over `draws` rounds of fresh forwards, for randomized models whose one
 * verdict is luck. In each round every input gets its own forward (its own noise draw); a point counts as
 * robust for a group in that round only if the clean x AND every adversarial input of the group are
 * classified right: the worst case across a composition's attacks within each draw, so a candidate that
 * fools the model in some draws counts as broken in those draws. Groups share each round's clean forward.
 */
export async function redrawnAccuracy(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  groups: readonly (readonly tf.Tensor4D[])[],
  options: RedrawnAccuracyOptions,
): Promise<RedrawnAccuracy> {
  const { draws, batchSize = 250 } = options;
  checkInteger('redrawnAccuracy', 'draws', draws, 1);
  checkInteger('redrawnAccuracy', 'batchSize', batchSize, 1);
  checkBatch('redrawnAccuracy', x, y);
  for (const group of groups) {
    if (group.length === 0) throw new RangeError('redrawnAccuracy: a group holds no adversarial inputs');
    for (const adv of group) {
      if (adv.shape.join() !== x.shape.join()) throw new RangeError(`redrawnAccuracy: an adversarial input has shape [${adv.shape}], x has [${x.shape}]`);
    }
  }
  const n = x.shape[0];
  const clean: number[] = [];
  const robust: number[][] = groups.map(() => []);
  const cleanCounts: number[] = [];
  const robustCounts: number[][] = groups.map(() => []);
  for (let d = 0; d < draws; d++) {
    const cleanRight = await correct(logitsFn, x, y, batchSize);
    clean.push(percent(count(cleanRight), n));
    cleanCounts.push(count(cleanRight));
    for (const [g, group] of groups.entries()) {
      const right = cleanRight.slice();
      for (const adv of group) {
        const advRight = await correct(logitsFn, adv, y, batchSize);
        for (let i = 0; i < n; i++) right[i] &= advRight[i];
      }
      robust[g].push(percent(count(right), n));
      robustCounts[g].push(count(right));
    }
  }
  return { clean: figure(clean, cleanCounts), robust: robust.map((r, g) => figure(r, robustCounts[g])) };
}

async function correct(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, batchSize: number): Promise<Uint8Array> {
  const out = new Uint8Array(x.shape[0]);
  for (const { start, size } of batchRanges(x.shape[0], batchSize)) {
    const ok = tf.tidy(() => {
      const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const yb = tf.slice(y, [start], [size]);
      return tf.equal(tf.argMax(logitsFn(xb), 1), tf.cast(yb, 'int32'));
    });
    try {
      out.set(await ok.data(), start);
    } finally {
      ok.dispose();
    }
  }
  return out;
}

const count = (v: Uint8Array) => v.reduce((a, b) => a + b, 0);
const percent = (k: number, n: number) => (n ? (100 * k) / n : 0);

function figure(values: number[], counts: number[]): DrawnFigure {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  return { mean, std, perDraw: values, counts };
}
