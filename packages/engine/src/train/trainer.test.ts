import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../gradients';
import { bitEqual, changedNames, snapshot, useStockBackend } from '../testing';
import { pgdAtLossMix } from '../loss-mixes/pgd-at';
import { crossEntropy } from '../losses';
import type { InputSpec } from '../model';
import { createModel } from '../models/zoo';
import type { Adversary, PluginOption } from '../plugin';
import { Rng } from '@floatjs/random';
import { DivergenceError, Trainer, type Batch, type BatchSource, type TrainerOptions } from './trainer';

const SPEC: InputSpec = { height: 12, width: 12, channels: 1, numClasses: 4 };
const BATCH = 8;

function source(batches: number, seed = 1): BatchSource {
  const rng = new Rng(seed);
  const list: Batch[] = Array.from({ length: batches }, () => {
    const x = new Float32Array(BATCH * SPEC.height * SPEC.width);
    for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat();
    const y = Int32Array.from({ length: BATCH }, (_, i) => i % SPEC.numClasses);
    return { x, y, size: BATCH };
  });
  return { batchesPerEpoch: batches, batches: () => list };
}

/** One seeded FGSM step from a random start: enough randomness to test that runs are reproducible. */
const fgsmRs: Adversary = (logitsFn, x, y, seed) =>
  tf.tidy(() => {
    const eps = 0.1;
    const x0 = tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed)), 0, 1) as tf.Tensor4D;
    const g = tf.grad((xi: tf.Tensor) => tf.sum(crossEntropy(logitsFn(xi as tf.Tensor4D), y)))(x0);
    return tf.clipByValue(tf.add(x0, tf.mul(tf.sign(g), eps)), 0, 1) as tf.Tensor4D;
  });

function options(partial: Partial<TrainerOptions> = {}): TrainerOptions {
  return { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 3, adversary: null, ...partial };
}

async function train(recipe: PluginOption, opts: TrainerOptions, data: BatchSource, seed = 3) {
  const model = createModel('cnn-s', SPEC, recipe, seed);
  const trainer = new Trainer(model, opts);
  const losses: number[] = [];
  const tensors: number[] = [];
  await trainer.fit(data, {
    afterStep: (e) => {
      losses.push(e.loss);
      tensors.push(tf.memory().numTensors);
    },
  });
  return { model, trainer, losses, tensors };
}

// The same tests on wasm and on cpu with @floatjs/backend's kernels live in that package (trainer.test.ts).
describe.each(['cpu'] as const)('Trainer (stock %s)', (backend) => {
  beforeAll(async () => {
    await useStockBackend(backend);
  });
  afterAll(async () => {
    await useStockBackend('cpu');
  });

  it('same seed → bit-identical weights after 2 steps (standard and PGD-AT with a seeded attack)', async () => {
    for (const [recipe, adversary] of [
      [[], null],
      [pgdAtLossMix({ lambda: 0.5 }), fgsmRs],
    ] as const) {
      const opts = options({ adversary });
      const a = await train(recipe, opts, source(2));
      const b = await train(recipe, opts, source(2));
      const init = createModel('cnn-s', SPEC, recipe, 3);
      expect(a.losses).toHaveLength(2);
      expect(a.losses).toEqual(b.losses);
      expect(changedNames(snapshot(a.model.variables), snapshot(b.model.variables))).toEqual([]);
      for (const [name, buf] of a.trainer.optimizer.momentum) {
        expect(bitEqual(buf.dataSync() as Float32Array, b.trainer.optimizer.momentum.get(name)!.dataSync() as Float32Array)).toBe(true);
      }
      // Training moved every trainable variable and every running statistic.
      expect(changedNames(snapshot(init.variables), snapshot(a.model.variables)).length).toBe(a.model.variables.size);
      for (const r of [a, b]) {
        r.trainer.dispose();
        r.model.dispose();
      }
      init.dispose();
    }
  });

  it('a different trainer seed changes the attack draws and thus the weights', async () => {
    const a = await train(pgdAtLossMix({ lambda: 1 }), options({ adversary: fgsmRs, seed: 3 }), source(2));
    const b = await train(pgdAtLossMix({ lambda: 1 }), options({ adversary: fgsmRs, seed: 4 }), source(2));
    expect(changedNames(snapshot(a.model.variables), snapshot(b.model.variables)).length).toBeGreaterThan(0);
    for (const r of [a, b]) {
      r.trainer.dispose();
      r.model.dispose();
    }
  });

  it('keeps tf.memory().numTensors flat across steps', async () => {
    const r = await train(pgdAtLossMix({ lambda: 0.5 }), options({ adversary: fgsmRs }), source(4));
    expect(r.tensors).toHaveLength(4);
    expect(new Set(r.tensors).size).toBe(1);
    const after = tf.memory().numTensors;
    r.trainer.dispose();
    r.model.dispose();
    // Model variables and momentum buffers were all there was.
    expect(after - tf.memory().numTensors).toBe(r.model.variables.size + r.trainer.optimizer.momentum.size);
  });
});

describe('Trainer on cpu: failures', () => {
  beforeAll(async () => {
    await useStockBackend('cpu');
  });

  it('calls afterStep/epochEnd, and the former onStep/onEpoch, with the same events', async () => {
    const model = createModel('cnn-s', SPEC, [], 3);
    const trainer = new Trainer(model, options({ epochs: 2 }));
    const seen: Record<string, unknown[]> = { afterStep: [], onStep: [], epochEnd: [], onEpoch: [] };
    await trainer.fit(source(2), {
      afterStep: (e) => void seen.afterStep.push(e),
      onStep: (e) => void seen.onStep.push(e),
      epochEnd: (e) => void seen.epochEnd.push(e),
      onEpoch: (e) => void seen.onEpoch.push(e),
    });
    expect(seen.afterStep).toHaveLength(4);
    expect(seen.onStep).toEqual(seen.afterStep);
    expect(seen.epochEnd).toHaveLength(2);
    expect(seen.onEpoch).toEqual(seen.epochEnd);
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
