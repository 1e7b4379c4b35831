import type * as tf from '@tensorflow/tfjs-core';
import { redrawnAccuracy } from '@floatjs/attacks';
import type { LogitsFn } from '@floatjs/engine';

export interface DrawAccuracy {
  /** Mean over the draws, percent. */
  ca: number;
  ra: number;
  /** Sample standard deviation over the draws (0 for one draw), percentage points. */
  caStd: number;
  raStd: number;
  /** Per draw, percent. */
  caDraws: number[];
  raDraws: number[];
}

/** Robust accuracy of one group of adversarial inputs over the draws (clean figures are shared). */
export type DrawnRobust = Pick<DrawAccuracy, 'ra' | 'raStd' | 'raDraws'>;

function checkDraws(draws: number): void {
  if (!(Number.isInteger(draws) && draws >= 1)) throw new Error(`--draws: expected an integer ≥ 1, got ${draws}`);
}

/**
 * Clean and robust accuracy over `draws` independent forward passes. A randomized model (fresh noise every
 * forward) can classify the same adversarial point differently from one forward to the next, so one verdict
 * is luck; the mean ± std over several says how much. Each draw classifies the clean and the adversarial
 * inputs with its own forwards; a point is robust in a draw if both are correct in that draw.
 */
export async function drawAccuracy(logitsFn: LogitsFn, x: tf.Tensor4D, xAdv: tf.Tensor4D, y: tf.Tensor1D, draws: number, batchSize: number): Promise<DrawAccuracy> {
  const { clean, robust } = await drawGroups(logitsFn, x, y, [[xAdv]], draws, batchSize);
  return { ...clean, ...robust[0] };
}

/**
 * `drawAccuracy` for several attacks at once, sharing each draw's clean forward: group g holds one attack's
 * adversarial inputs (several for a composition such as AutoAttack, each attack's candidates); a point is
 * robust for it in a draw only if the clean x and every input of the group are classified right in that draw.
 */
export async function drawGroups(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  groups: tf.Tensor4D[][],
  draws: number,
  batchSize: number,
): Promise<{ clean: Pick<DrawAccuracy, 'ca' | 'caStd' | 'caDraws'>; robust: DrawnRobust[] }> {
  checkDraws(draws);
  const r = await redrawnAccuracy(logitsFn, x, y, groups, { draws, batchSize });
  return {
    clean: { ca: r.clean.mean, caStd: r.clean.std, caDraws: r.clean.perDraw },
    robust: r.robust.map((g) => ({ ra: g.mean, raStd: g.std, raDraws: g.perDraw })),
  };
}
