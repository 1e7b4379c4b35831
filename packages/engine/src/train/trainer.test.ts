import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../gradients';
import { useStockBackend } from '../testing';
import { pgdAtLossMix } from '../loss-mixes/pgd-at';
import { createModel } from '../models/zoo';
import { options, source, SPEC, train, trainerChecks } from './test-utils/trainer-checks';
import { DivergenceError, Trainer } from './trainer';

// The same checks on wasm and on cpu with @floatjs/backend's kernels run in that package.
trainerChecks('stock cpu', () => useStockBackend('cpu'), () => useStockBackend('cpu'));

describe('Trainer on cpu: failures', () => {
  beforeAll(async () => {
    await useStockBackend('cpu');
  });

  it('calls afterStep after every step and epochEnd after every epoch, in order', async () => {
    const model = createModel('cnn-s', SPEC, [], 3);
    const trainer = new Trainer(model, options({ epochs: 2 }));
    const seen: string[] = [];
    await trainer.fit(source(2), {
      afterStep: (e) => void seen.push(`step ${e.epoch}.${e.batchInEpoch} (${e.step})`),
      epochEnd: (e) => void seen.push(`epoch ${e.epoch} (${e.steps} steps)`),
    });
    expect(seen).toEqual(['step 0.1 (0)', 'step 0.2 (1)', 'epoch 0 (2 steps)', 'step 1.1 (2)', 'step 1.2 (3)', 'epoch 1 (2 steps)']);
    model.dispose();
  });

  it('throws DivergenceError when the loss stops being finite (lr = 1e30), without leaking', async () => {
    const model = createModel('cnn-s', SPEC, [], 3);
    const trainer = new Trainer(model, options({ lr: 1e30, schedule: 'constant', epochs: 3 }));
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const err = await trainer.fit(source(2), { afterStep: (e) => losses.push(e.loss) }).catch((e) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as Error).message).toMatch(/training diverged: loss is (NaN|Infinity|-Infinity) at epoch \d+, step \d+/);
    expect(losses.length).toBeGreaterThanOrEqual(1);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });

  it('PGD-AT without an adversary fails with a clear message', async () => {
    const model = createModel('cnn-s', SPEC, pgdAtLossMix(), 3);
    const trainer = new Trainer(model, options());
    await expect(trainer.fit(source(1))).rejects.toThrow(/pgd-at needs an adversary/);
    trainer.dispose();
    model.dispose();
  });

  it('reports epochs and steps, and resumes from startEpoch', async () => {
    const model = createModel('cnn-s', SPEC, [], 3);
    const trainer = new Trainer(model, options({ epochs: 2 }));
    const steps: number[] = [];
    const lrs: number[] = [];
    const events = await trainer.fit(source(2), {
      afterStep: (e) => {
        steps.push(e.step);
        lrs.push(e.lr);
      },
    });
    expect(events.map((e) => [e.epoch, e.steps])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(lrs[0]).toBeCloseTo(0.05, 12);
    expect(lrs[2]).toBeCloseTo(0.025, 12);
    const resumed = new Trainer(model, options({ epochs: 2 }));
    expect((await resumed.fit(source(2), {}, 1)).map((e) => e.epoch)).toEqual([1]);
    trainer.dispose();
    resumed.dispose();
    model.dispose();
  });
});

describe('mask epoch-end hook', () => {
  it('runs after every epoch but the last, as sparse_learning does (a regrown weight needs steps to train)', async () => {
    await useStockBackend('cpu');
    const seen: number[] = [];
    const afterSteps: number[] = [];
    const recorder = { name: 'recorder', maskUpdate: { epochEnd: (ctx: { epoch: number }) => void seen.push(ctx.epoch), afterStep: (ctx: { step: number }) => void afterSteps.push(ctx.step) } };
    const { model, trainer } = await train([recorder], options({ epochs: 3 }), source(2));
    expect(seen).toEqual([0, 1]);
    expect(afterSteps).toHaveLength(6);
    trainer.dispose();
    model.dispose();
  });
});
