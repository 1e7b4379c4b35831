import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSampling } from './random-sampling';
import { randomConvNet, randomImages, randomLabels, type TestModel } from './test-utils/models';
import { lossPerSample, maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [5, 5, 1];
const N = 12;
let model: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  model = randomConvNet(101, SHAPE, 3, 4);
  x = randomImages(102, [N, ...SHAPE]);
  y = randomLabels(103, N, 4);
});

afterAll(() => {
  model.dispose();
  tf.dispose([x, y]);
});

describe('randomSampling', () => {
  for (const distribution of ['uniform', 'sign'] as const) {
    it(`${distribution}: results lie in the ε-ball ∩ [0, 1]; 'sign' samples sit on the ball's vertices`, () => {
      const eps = 0.2;
      const adv = randomSampling(model.logitsFn, x, y, { eps, samples: 5, distribution, seed: 1 });
      expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(eps + 1e-6);
      const [lo, hi] = minMax(adv);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      if (distribution === 'sign') {
        // Every pixel moved by exactly ε unless clipped at 0 or 1.
        const a = adv.dataSync();
        const o = x.dataSync();
        for (let i = 0; i < a.length; i++) {
          const d = Math.abs(a[i] - o[i]);
          if (a[i] > 0 && a[i] < 1) expect(d).toBeCloseTo(eps, 5);
        }
      }
      adv.dispose();
    });
  }

  it('keeps a fooling sample, else the highest-loss one: never below the loss of the first sample', () => {
    const adv = randomSampling(model.logitsFn, x, y, { eps: 0.1, samples: 8, seed: 2 });
    // Sample k uses the same stream in both runs, so `first` is exactly sample 0 of `adv`'s run.
    const first = randomSampling(model.logitsFn, x, y, { eps: 0.1, samples: 1, seed: 2 });
    const found = lossPerSample(model.logitsFn, adv, y);
    const firstLoss = lossPerSample(model.logitsFn, first, y);
    const fooled = tf.tidy(() => Array.from(tf.notEqual(tf.argMax(model.logitsFn(adv), 1), y).dataSync()));
    const firstFooled = tf.tidy(() => Array.from(tf.notEqual(tf.argMax(model.logitsFn(first), 1), y).dataSync()));
    for (let i = 0; i < N; i++) {
      if (firstFooled[i]) expect(fooled[i]).toBe(1);
      if (!fooled[i]) expect(found[i]).toBeGreaterThanOrEqual(firstLoss[i] - 1e-6);
    }
    tf.dispose([adv, first]);
  });

  it('calls the model samples·eot times, is seeded and leaks nothing', () => {
    let calls = 0;
    const counted: LogitsFn = (input) => {
      calls++;
      return model.logitsFn(input);
    };
    const before = tf.memory().numTensors;
    const a = randomSampling(counted, x, y, { eps: 0.1, samples: 3, eot: 2, seed: 3 });
    expect(calls).toBe(6);
    const b = randomSampling(counted, x, y, { eps: 0.1, samples: 3, eot: 2, seed: 3 });
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => randomSampling(counted, x, y, { eps: 0.1, samples: 0 })).toThrow(RangeError);
  });
});
