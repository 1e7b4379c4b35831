// FLOAT's loss mix with a real attack: PGD from @floatjs/attacks. The tests of the loss mix alone are beside it,
// in packages/conditioning-float/src/loss-mix.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { ALPHA, float } from '@floatjs/conditioning-float';
import { condition, createModel, meanCrossEntropy, Rng, Trainer, type Adversary, type LogitsFn } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { changedNames, snapshot } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adversary, BATCH, source, SPEC, stats } from '../test-utils/pgd';

const alphas = ['conv1', 'conv2', 'conv3'].map((c) => `${c}.${ALPHA}`);

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('floatLossMix', () => {
  it('one Trainer step: finite loss; clean and adv BN statistics and every α change', async () => {
    const model = createModel('cnn-s', SPEC, float(), 1);
    // No weight decay: α can only move through its gradient.
    const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 0, schedule: 'constant', seed: 1, adversary });
    const before = snapshot(model.variables);
    const losses: number[] = [];
    await trainer.fit(source(1), { afterStep: (e) => losses.push(e.loss) });
    expect(losses).toHaveLength(1);
    expect(Number.isFinite(losses[0])).toBe(true);
    expect(losses[0]).toBeGreaterThan(0);
    const changed = new Set(changedNames(before, snapshot(model.variables)));
    for (const n of [...stats('clean'), ...stats('adv'), ...alphas]) expect(changed.has(n), n).toBe(true);
    // Everything trainable moved too (both γ/β sets, kernels, fc).
    for (const [n, v] of model.variables) if (v.trainable) expect(changed.has(n), n).toBe(true);
    trainer.dispose();
    model.dispose();
  });

  it('no tensor leak across 3 steps', async () => {
    const model = createModel('cnn-s', SPEC, float(), 1);
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
    expect(losses.every(Number.isFinite)).toBe(true);
    trainer.dispose();
    model.dispose();
  });

  it('splits the batch: clean half with BN_C and no noise, adversarial half attacked and trained at λn = 1 with BN_A', () => {
    const model = createModel('cnn-s', SPEC, float(), 1);
    const x = tf.randomUniform([BATCH, 12, 12, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32');
    const attacked: { n: number; clean: number[]; noisyDiffers: boolean }[] = [];
    const spy: Adversary = (f: LogitsFn, xa, ya, seed) => {
      // The attacked function is BN_A in inference mode with fresh noise: two calls differ.
      const a = tf.tidy(() => Array.from(f(xa).dataSync()));
      const b = tf.tidy(() => Array.from(f(xa).dataSync()));
      attacked.push({ n: xa.shape[0], clean: Array.from(ya.dataSync()), noisyDiffers: a.join() !== b.join() });
      return adversary(f, xa, ya, seed);
    };
    const before = snapshot(model.variables);
    const prepared = model.host.lossMix!.prepare({ model, x, y, adversary: spy, rng: new Rng(1), step: 0, epoch: 0 });
    expect(attacked).toEqual([{ n: BATCH / 2, clean: [0, 1, 2, 3], noisyDiffers: true }]);
    // Crafting the attack changed nothing.
    expect(changedNames(before, snapshot(model.variables))).toEqual([]);
    const { value, grads } = tf.variableGrads(() => prepared.loss(), model.trainableVariables());
    const byTf = new Map([...model.variables].map(([n, v]) => [v.name, n]));
    const gradOf = new Map(Object.entries(grads).map(([k, g]) => [byTf.get(k)!, g]));
    for (const n of [...alphas, 'bn1.clean.gamma', 'bn1.adv.gamma', 'bn3.clean.beta', 'bn3.adv.beta']) {
      const g = gradOf.get(n);
      expect(g, n).toBeDefined();
      expect(tf.tidy(() => tf.max(tf.abs(g!)).dataSync()[0]), n).toBeGreaterThan(0);
    }
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    prepared.dispose();

    // Loss = 0.5·mean CE(clean half, BN_C, λn 0) + 0.5·mean CE(adv half, BN_A, λn 1); check the clean term alone
    // by attacking with the identity (x_adv = x) and a model whose α = 0 (no noise anywhere).
    for (const a of alphas) model.variables.get(a)!.assign(tf.scalar(0));
    const identity: Adversary = (_f, xa) => tf.clone(xa);
    const p2 = model.host.lossMix!.prepare({ model, x, y, adversary: identity, rng: new Rng(1), step: 0, epoch: 0 });
    const snap = snapshot(model.variables);
    const got = tf.tidy(() => p2.loss().dataSync()[0]);
    p2.dispose();
    const restore = () => {
      for (const [n, v] of model.variables) v.assign(tf.tensor(snap.get(n)!, v.shape));
    };
    restore();
    const [xc, xa] = tf.split(x, 2);
    const [yc, ya] = tf.split(y, 2);
    const lc = tf.tidy(() => meanCrossEntropy(model.forward(xc as tf.Tensor4D, condition({ norm: 'clean', training: true })), yc as tf.Tensor1D).dataSync()[0]);
    restore();
    const la = tf.tidy(() => meanCrossEntropy(model.forward(xa as tf.Tensor4D, condition({ norm: 'adv', lambda: 1, lambdaN: 1, training: true })), ya as tf.Tensor1D).dataSync()[0]);
    expect(got).toBeCloseTo(0.5 * lc + 0.5 * la, 5);
    tf.dispose([x, y, xc, xa, yc, ya]);
    model.dispose();
  });

  it('a one-sample batch trains clean only and leaves BN_A untouched (no NaN)', () => {
    const model = createModel('cnn-s', SPEC, float(), 1);
    const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 0, schedule: 'constant', seed: 1, adversary });
    const before = snapshot(model.variables);
    const loss = trainer.trainStep({ x: new Float32Array(12 * 12).fill(0.5), y: Int32Array.of(2), size: 1 }, 0.05);
    expect(Number.isFinite(loss)).toBe(true);
    const changed = new Set(changedNames(before, snapshot(model.variables)));
    for (const n of stats('adv')) expect(changed.has(n), n).toBe(false);
    for (const n of stats('clean')) expect(changed.has(n), n).toBe(true);
    for (const v of model.variables.values()) expect(Number.isFinite(tf.sum(v).dataSync()[0])).toBe(true);
    trainer.dispose();
    model.dispose();
  });
});
