// The PGD test (an attack from @floatjs/attacks leaves every running statistic as it was) is in
// packages/integration/src/conditioning-float/dual-norm.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, Rng, type Model } from '@floatjs/engine';
import { changedNames, snapshot, useStockBackend } from '@floatjs/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualNorm } from './dual-norm';
import { floatNoise } from './noisy-weight';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
const NORMS = ['bn1', 'bn2', 'bn3'];
const STATS = ['movingMean', 'movingVariance'];

let model: Model;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useStockBackend('cpu');
  model = createModel('cnn-s', SPEC, [floatNoise(), dualNorm()], 2);
  x = tf.randomUniform([6, 12, 12, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  y = tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32');
});
afterAll(() => {
  tf.dispose([x, y]);
  model.dispose();
});

const names = (set: 'clean' | 'adv', kinds: string[]) => NORMS.flatMap((l) => kinds.map((k) => `${l}.${set}.${k}`));

describe('dual BN', () => {
  it('gives every norm layer two independent sets, <layer>.clean.* and <layer>.adv.*', () => {
    const normVars = [...model.variables.keys()].filter((n) => n.startsWith('bn'));
    const all = ['gamma', 'beta', ...STATS];
    expect(normVars.sort()).toEqual([...names('clean', all), ...names('adv', all)].sort());
    for (const l of NORMS) {
      for (const k of all) {
        const c = model.variables.get(`${l}.clean.${k}`)!;
        const a = model.variables.get(`${l}.adv.${k}`)!;
        expect(c).not.toBe(a);
        expect(c.name).not.toBe(a.name);
        expect(c.shape).toEqual(a.shape);
        expect(c.trainable).toBe(k === 'gamma' || k === 'beta');
      }
    }
    // Two sets of (γ, β) per norm layer in the trainable count, four sets of running stats in the total.
    const single = createModel('cnn-s', SPEC, [floatNoise()], 2);
    const bnChannels = 32 + 64 + 128;
    expect(model.paramCount().trainable - single.paramCount().trainable).toBe(2 * bnChannels);
    expect(model.paramCount().total - single.paramCount().total).toBe(4 * bnChannels);
    single.dispose();
  });

  for (const set of ['clean', 'adv'] as const) {
    const other = set === 'clean' ? 'adv' : 'clean';
    it(`a training forward with norm '${set}' changes only the ${set} running statistics`, () => {
      const before = snapshot(model.variables);
      tf.tidy(() => model.forward(x, condition({ norm: set, lambdaN: set === 'adv' ? 1 : 0, training: true }), new Rng(1)));
      expect(changedNames(before, snapshot(model.variables)).sort()).toEqual(names(set, STATS).sort());
    });

    it(`gradients of γ/β flow only into the ${set} set`, () => {
      const cond = condition({ norm: set, lambdaN: set === 'adv' ? 1 : 0, training: true });
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 4), model.forward(x, cond, new Rng(1))) as tf.Scalar,
        model.trainableVariables(),
      );
      const byName = new Map([...model.variables].map(([n, v]) => [v.name, n]));
      const withGrad = new Map(Object.entries(grads).map(([tfName, g]) => [byName.get(tfName)!, g]));
      for (const n of names(set, ['gamma', 'beta'])) {
        expect(withGrad.has(n), n).toBe(true);
        expect(tf.tidy(() => tf.max(tf.abs(withGrad.get(n)!)).dataSync()[0])).toBeGreaterThan(0);
      }
      for (const n of names(other, ['gamma', 'beta'])) {
        // Absent (not connected) or, if present, exactly zero.
        const g = withGrad.get(n);
        if (g) expect(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])).toBe(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
    });
  }

  it('the two sets give different outputs once they differ', () => {
    const clean = model.variables.get('bn2.clean.gamma')!;
    const saved = clean.clone();
    clean.assign(tf.mul(saved, 2));
    const out = (norm: 'clean' | 'adv') => tf.tidy(() => Array.from(model.logitsFn({ norm })(x).dataSync()));
    expect(out('clean')).not.toEqual(out('adv'));
    clean.assign(saved);
    saved.dispose();
  });

  it('a norm key outside {clean, adv} is rejected', () => {
    expect(() => tf.tidy(() => model.forward(x, condition({ norm: 'other' as 'clean' }), new Rng(1)))).toThrow(
      /plugin "dual-norm" selected norm set "other", expected one of clean, adv/,
    );
  });
});
