import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fgsm } from './fgsm';
import { pgd, type PgdOptions } from './pgd';
import { randomConvNet, randomImages, randomLabels, randomMlp, type TestModel } from './test-utils/models';
import { lossPerSample, maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';

/**
 * The attacks only need input gradients, so they run on the stock wasm backend (Conv2DBackpropInput
 * exists there; the missing Conv2DBackpropFilter is never needed).
 */
const SHAPE: [number, number, number] = [6, 6, 2];
const CLASSES = 4;
const N = 8;

type Data = { x: Float32Array; y: Int32Array };

let data: Data;

function onBackend<T>(run: (model: TestModel, x: tf.Tensor4D, y: tf.Tensor1D) => T): T {
  const model = randomConvNet(61, SHAPE, 3, CLASSES);
  const x = tf.tensor4d(data.x, [N, ...SHAPE]);
  const y = tf.tensor1d(data.y, 'int32');
  try {
    return run(model, x, y);
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

beforeAll(async () => {
  await useBackend('cpu');
  const x = randomImages(62, [N, ...SHAPE]);
  const y = randomLabels(63, N, CLASSES);
  data = { x: x.dataSync() as Float32Array, y: y.dataSync() as Int32Array };
  tf.dispose([x, y]);
  await useBackend('wasm');
});

afterAll(async () => {
  await useBackend('cpu');
});

describe('attacks on the wasm backend', () => {
  it('runs on wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  for (const options of [
    { eps: 0.1, steps: 4, stepSize: 0.04, seed: 1 },
    { eps: 0.3, steps: 3, stepSize: 0.2, keep: 'best', eot: 2, seed: 2 },
  ] satisfies PgdOptions[]) {
    it(`pgd invariants (${JSON.stringify(options)})`, () => {
      onBackend((model, x, y) => {
        const adv = pgd(model.logitsFn, x, y, options);
        expect(adv.shape).toEqual(x.shape);
        expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(options.eps + 1e-6);
        const [lo, hi] = minMax(adv);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        if (options.keep === 'best') {
          const clean = lossPerSample(model.logitsFn, x, y);
          const attacked = lossPerSample(model.logitsFn, adv, y);
          for (let i = 0; i < N; i++) expect(attacked[i]).toBeGreaterThanOrEqual(clean[i]);
        }
        adv.dispose();
      });
    });
  }

  it('an MLP works too (matMul gradients)', () => {
    const model = randomMlp(64, SHAPE, 8, CLASSES);
    const x = tf.tensor4d(data.x, [N, ...SHAPE]);
    const y = tf.tensor1d(data.y, 'int32');
    const adv = pgd(model.logitsFn, x, y, { eps: 0.05, steps: 3, stepSize: 0.02, seed: 3 });
    expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(0.05 + 1e-6);
    tf.dispose([x, y, adv]);
    model.dispose();
  });

  it('fgsm agrees with the cpu backend (same gradient signs)', async () => {
    const onWasm = onBackend((model, x, y) => {
      const adv = fgsm(model.logitsFn, x, y, { eps: 0.05 });
      const values = adv.dataSync().slice();
      adv.dispose();
      return values;
    });
    await useBackend('cpu');
    const onCpu = onBackend((model, x, y) => {
      const adv = fgsm(model.logitsFn, x, y, { eps: 0.05 });
      const values = adv.dataSync().slice();
      adv.dispose();
      return values;
    });
    await useBackend('wasm');
    // A gradient component within rounding of 0 may flip sign between backends; allow a few.
    const differing = onWasm.filter((v, i) => Math.abs(v - onCpu[i]) > 1e-5).length;
    expect(differing / onWasm.length).toBeLessThan(0.01);
  });
});
