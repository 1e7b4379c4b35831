// OAT's loss mix with a real attack: PGD from @floatjs/attacks. The tests of the loss mix alone are beside it,
// in packages/conditioning-film/src/loss-mix.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { film, filmDualNorm, oat, oatCondition, oatLossMix } from '@floatjs/conditioning-film';
import { createModel, Rng, Trainer, type Model } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { changedNames, snapshot } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { adversary, source, SPEC, stats } from '../test-utils/pgd';

/** One inference forward, so FiLM's lazily initialised weights exist before a snapshot. */
function warmUp(model: Model): void {
  tf.tidy(() => model.logitsFn(oatCondition(0))(tf.zeros([1, 12, 12, 1]) as tf.Tensor4D).dataSync());
}

beforeAll(async () => {
  await selectBackend('cpu');
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
