import * as tf from '@tensorflow/tfjs-core';
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

async function correct(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, batchSize: number): Promise<Uint8Array> {
  const n = x.shape[0];
  const out = new Uint8Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const ok = tf.tidy(() => {
      const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const yb = tf.slice(y, [start], [size]);
      return tf.equal(tf.argMax(logitsFn(xb), 1), tf.cast(yb, 'int32'));
    });
    out.set(await ok.data(), start);
    ok.dispose();
  }
  return out;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sampleStd = (v: number[]) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));

/**
 * Clean and robust accuracy over `draws` independent forward passes. A randomized model (fresh noise every
 * forward) can classify the same adversarial point differently from one forward to the next, so one verdict
 * is luck; the mean ± std over several says how much. Each draw classifies the clean and the adversarial
 * inputs with its own forwards; a point is robust in a draw if both are correct in that draw.
 */
export async function drawAccuracy(logitsFn: LogitsFn, x: tf.Tensor4D, xAdv: tf.Tensor4D, y: tf.Tensor1D, draws: number, batchSize: number): Promise<DrawAccuracy> {
  if (!(Number.isInteger(draws) && draws >= 1)) throw new Error(`--draws: expected an integer ≥ 1, got ${draws}`);
  const n = x.shape[0];
  const caDraws: number[] = [];
  const raDraws: number[] = [];
  for (let d = 0; d < draws; d++) {
    const clean = await correct(logitsFn, x, y, batchSize);
    const adv = await correct(logitsFn, xAdv, y, batchSize);
    let c = 0;
    let r = 0;
    for (let i = 0; i < n; i++) {
      c += clean[i];
      r += clean[i] & adv[i];
    }
    caDraws.push(n ? (100 * c) / n : 0);
    raDraws.push(n ? (100 * r) / n : 0);
  }
  return { ca: mean(caDraws), ra: mean(raDraws), caStd: sampleStd(caDraws), raStd: sampleStd(raDraws), caDraws, raDraws };
}
