// The tests that train or check OAT's loss mix with a real attack (PGD from @floatjs/attacks) are in
// packages/integration/src/conditioning-film/loss-mix.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, Rng, type Adversary, type Condition, type Model } from '@floatjs/engine';
import { maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILM_LAMBDAS } from './lambdas';
import { oatLossMix, type OatPreparedLoss } from './loss-mix';
import { oatCondition } from './recipe';
import { filmDualNorm } from './dual-norm';
import { film } from './film';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
const BATCH = 8;

/** One inference forward, so FiLM's lazily initialised weights exist before a snapshot. */
function warmUp(model: Model): void {
  tf.tidy(() => model.logitsFn(oatCondition(0))(tf.zeros([1, 12, 12, 1]) as tf.Tensor4D).dataSync());
}

/** Per-sample softmax cross-entropy in float64, from logits rows. */
function ce(logits: Float32Array, labels: ArrayLike<number>, k: number): number[] {
  return Array.from(labels, (label, i) => {
    const row = Array.from(logits.subarray(i * k, (i + 1) * k));
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return lse - row[label];
  });
}

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('oatLossMix', () => {
  it('loss = mean((1−λ_i)·L_C,i + λ_i·L_A,i) with each group through its BN; the attack sees BN_A in inference mode at each row’s λ', () => {
    const fixed = [0, 0.1, 0, 0.4, 1, 0.2, 0.3, 1];
    const plugins = [film(), filmDualNorm(), oatLossMix({ sampler: () => fixed })];
    const model = createModel('cnn-s', SPEC, plugins, 1);
    warmUp(model);
    const x = tf.randomUniform([BATCH, 12, 12, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const yValues = [0, 1, 2, 3, 0, 1, 2, 3];
    const y = tf.tensor1d(yValues, 'int32');
    const k = SPEC.numClasses;
    const advRows = [1, 3, 4, 5, 6, 7];
    const attacked: { rows: number; labels: number[]; err: number }[] = [];
    // A deterministic "attack": a fixed shift, so the hand computation can rebuild x_adv.
    const shift = (t: tf.Tensor4D) => tf.tidy(() => tf.clipByValue(tf.add(t, 0.05), 0, 1) as tf.Tensor4D);
    const spy: Adversary = (f, xa, ya) => {
      const got = tf.tidy(() => f(xa).dataSync() as Float32Array);
      // Row j must equal the model at λ_j alone (BN_A, inference mode).
      let err = 0;
      advRows.forEach((r, j) => {
        const want = tf.tidy(() => model.logitsFn(oatCondition(fixed[r]))(tf.slice(xa, j, 1)).dataSync() as Float32Array);
        err = Math.max(err, maxRelErr(got.subarray(j * k, (j + 1) * k), want));
      });
      attacked.push({ rows: xa.shape[0], labels: Array.from(ya.dataSync()), err });
      return shift(xa);
    };
    const mix = model.host.lossMix!;
    const prepared = mix.prepare({ model, x, y, adversary: spy, rng: new Rng(1), step: 0, epoch: 0 }) as OatPreparedLoss;
    expect(prepared.lambdas).toEqual(fixed);
    expect(attacked).toHaveLength(1);
    expect(attacked[0].rows).toBe(6);
    expect(attacked[0].labels).toEqual(advRows.map((r) => yValues[r]));
    expect(attacked[0].err).toBeLessThan(1e-5);
    const loss = tf.tidy(() => prepared.loss().dataSync()[0]);
    prepared.dispose();

    // By hand: training-mode forwards use batch statistics, so the running-stat updates in between do not matter.
    const rows = (t: tf.Tensor, idx: number[]) => tf.gather(t, tf.tensor1d(idx, 'int32'));
    const fwd = (input: tf.Tensor, cond: Partial<Condition>) =>
      tf.tidy(() => model.forward(input as tf.Tensor4D, condition({ ...cond, training: true })).dataSync() as Float32Array);
    const zeroRows = [0, 2];
    const lamAdv = advRows.map((r) => fixed[r]);
    const advCond = { lambda: 0.5, norm: 'adv' as const, [FILM_LAMBDAS]: lamAdv };
    const lc0 = tf.tidy(() => ce(fwd(rows(x, zeroRows), { lambda: 0, norm: 'clean' }), zeroRows.map((r) => yValues[r]), k));
    const lcA = tf.tidy(() => ce(fwd(rows(x, advRows), advCond), advRows.map((r) => yValues[r]), k));
    const laA = tf.tidy(() => ce(fwd(shift(rows(x, advRows) as tf.Tensor4D), advCond), advRows.map((r) => yValues[r]), k));
    let sum = lc0.reduce((s, v) => s + v, 0);
    lamAdv.forEach((l, j) => (sum += (1 - l) * lcA[j] + l * laA[j]));
    const want = sum / BATCH;
    expect(Math.abs(loss - want) / want).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    model.dispose();
  });
});
