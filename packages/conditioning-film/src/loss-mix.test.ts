import * as tf from '@tensorflow/tfjs-core';
import { pgd } from '@floatjs/attacks';
import { condition, createModel, Rng, Trainer, type Adversary, type Batch, type BatchSource, type Condition, type Model } from '@floatjs/engine';
import { changedNames, maxRelErr, snapshot, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILM_LAMBDAS } from './lambdas';
import { oatLossMix, type OatPreparedLoss } from './loss-mix';
import { oat, oatCondition } from './recipe';
import { filmDualNorm } from './dual-norm';
import { film } from './film';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
const BATCH = 8;
const EPS = 8 / 255;

const adversary: Adversary = (f, x, y, seed) => pgd(f, x, y, { eps: EPS, steps: 2, stepSize: EPS / 2, seed });

function source(batches: number): BatchSource {
  const rng = new Rng(42);
  const list: Batch[] = Array.from({ length: batches }, () => ({
    x: Float32Array.from({ length: BATCH * 12 * 12 }, () => rng.nextFloat()),
    y: Int32Array.from({ length: BATCH }, (_, i) => i % 4),
    size: BATCH,
  }));
  return { batchesPerEpoch: batches, batches: () => list };
}

const stats = (set: string) => ['bn1', 'bn2', 'bn3'].flatMap((l) => [`${l}.${set}.movingMean`, `${l}.${set}.movingVariance`]);

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
  it('one Trainer step: finite loss; every FiLM weight and both BN sets change; the encoding does not', async () => {
    const model = createModel('cnn-s', SPEC, oat(), 1);
    warmUp(model);
    const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 0, schedule: 'constant', seed: 1, adversary });
    const before = snapshot(model.variables);
    const losses: number[] = [];
    await trainer.fit(source(1), { afterStep: (e) => losses.push(e.loss) });
    expect(losses).toHaveLength(1);
    expect(Number.isFinite(losses[0])).toBe(true);
    expect(losses[0]).toBeGreaterThan(0);
    const changed = new Set(changedNames(before, snapshot(model.variables)));
    const filmVars = [...model.variables.keys()].filter((n) => n.includes('.film.'));
    expect(filmVars).toHaveLength(12);
    for (const n of [...filmVars, ...stats('clean'), ...stats('adv')]) expect(changed.has(n), n).toBe(true);
    expect(changed.has('film.encoding')).toBe(false);
    trainer.dispose();
    model.dispose();
  });

  it('no tensor leak across 3 steps', async () => {
    const model = createModel('cnn-s', SPEC, oat(), 1);
    const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 1, adversary });
    const counts: number[] = [];
    const losses: number[] = [];
    await trainer.fit(source(3), {
      afterStep: (e) => {
        counts.push(tf.memory().numTensors);
        losses.push(e.loss);
      },
    });
    expect(counts).toHaveLength(3);
    expect(counts[2]).toBe(counts[0]);
    expect(counts[1]).toBe(counts[0]);
    expect(losses.every(Number.isFinite)).toBe(true);
    trainer.dispose();
    model.dispose();
  });

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

  it('needs an adversary and rejects sampled λs outside the set', () => {
    const model = createModel('cnn-s', SPEC, [film(), filmDualNorm(), oatLossMix({ sampler: (n) => new Array(n).fill(0.25) })], 1);
    const x = tf.zeros([2, 12, 12, 1]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1], 'int32');
    const ctx = { model, x, y, rng: new Rng(1), step: 0, epoch: 0 };
    expect(() => model.host.lossMix!.prepare({ ...ctx, adversary: null })).toThrow(/needs an adversary/);
    expect(() => model.host.lossMix!.prepare({ ...ctx, adversary })).toThrow(/sampled λ = 0.25 is not in the λ set/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
