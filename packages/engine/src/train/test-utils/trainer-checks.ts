// Shared by the engine's trainer.test.ts and @floatjs/backend's (which imports this file by path: test code only).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../gradients';
import { bitEqual, changedNames, snapshot } from '../../testing';
import { pgdAtLossMix } from '../../loss-mixes/pgd-at';
import { crossEntropy } from '../../losses';
import type { InputSpec } from '../../model';
import { createModel } from '../../models/zoo';
import type { Adversary, PluginOption } from '../../plugin';
import { Rng } from '@floatjs/random';
import { Trainer, type Batch, type BatchSource, type TrainerOptions } from '../trainer';

export const SPEC: InputSpec = { height: 12, width: 12, channels: 1, numClasses: 4 };
const BATCH = 8;

export function source(batches: number, seed = 1): BatchSource {
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
export const fgsmRs: Adversary = (logitsFn, x, y, seed) =>
  tf.tidy(() => {
    const eps = 0.1;
    const x0 = tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', seed)), 0, 1) as tf.Tensor4D;
    const g = tf.grad((xi: tf.Tensor) => tf.sum(crossEntropy(logitsFn(xi as tf.Tensor4D), y)))(x0);
    return tf.clipByValue(tf.add(x0, tf.mul(tf.sign(g), eps)), 0, 1) as tf.Tensor4D;
  });

export function options(partial: Partial<TrainerOptions> = {}): TrainerOptions {
  return { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 3, adversary: null, ...partial };
}

export async function train(recipe: PluginOption, opts: TrainerOptions, data: BatchSource, seed = 3) {
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

/**
 * The Trainer's determinism and memory checks on one backend, made active by `use` (the engine runs them on
 * the stock cpu backend; @floatjs/backend's tests on wasm and cpu with its kernels).
 */
export function trainerChecks(label: string, use: () => Promise<unknown>, reset: () => Promise<unknown>): void {
  describe(`Trainer (${label})`, () => {
    beforeAll(async () => {
      await use();
    });
    afterAll(async () => {
      await reset();
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
}
