// The tests that train or check FLOAT's loss mix with a real attack (PGD from @floatjs/attacks) are in
// packages/integration/src/conditioning-float/loss-mix.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { createModel, Rng } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { floatLossMix } from './loss-mix';
import { float } from './recipe';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('floatLossMix', () => {
  it('needs an adversary and a clean fraction in (0, 1)', () => {
    const model = createModel('cnn-s', SPEC, float(), 1);
    const x = tf.zeros([4, 12, 12, 1]) as tf.Tensor4D;
    const y = tf.zeros([4], 'int32') as tf.Tensor1D;
    expect(() => model.host.lossMix!.prepare({ model, x, y, adversary: null, rng: new Rng(1), step: 0, epoch: 0 })).toThrow(
      /float training needs an adversary/,
    );
    for (const bad of [0, 1, -0.5, Number.NaN]) expect(() => floatLossMix({ cleanFraction: bad })).toThrow(/cleanFraction must be in \(0, 1\)/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
