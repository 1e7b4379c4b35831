import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fgsm } from './fgsm';
import { pgd, type PgdOptions } from './pgd';
import { randomConvNet, randomImages, randomLabels, randomMlp, type TestModel } from './test-utils/models';
import { lossPerSample, maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [6, 6, 2];
const CLASSES = 5;
const N = 12;

let models: { name: string; model: TestModel }[];
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  models = [
    { name: 'mlp', model: randomMlp(11, SHAPE, 16, CLASSES) },
    { name: 'conv', model: randomConvNet(12, SHAPE, 4, CLASSES) },
  ];
  x = randomImages(13, [N, ...SHAPE]);
  y = randomLabels(14, N, CLASSES);
});

afterAll(() => {
  for (const { model } of models) model.dispose();
  tf.dispose([x, y]);
});

const CONFIGS: { label: string; options: PgdOptions }[] = [
  { label: 'random start, α = ε/4', options: { eps: 0.1, steps: 5, stepSize: 0.025, seed: 1 } },
  { label: 'no random start, α > ε', options: { eps: 8 / 255, steps: 3, stepSize: 0.2, randomStart: false } },
  { label: 'large ε, keep best', options: { eps: 0.6, steps: 4, stepSize: 0.3, seed: 2, keep: 'best' } },
  { label: 'ε = 0', options: { eps: 0, steps: 3, stepSize: 0.1, seed: 3 } },
  { label: 'eot 2, keep best', options: { eps: 0.05, steps: 3, stepSize: 0.02, eot: 2, seed: 4, keep: 'best' } },
];

describe('pgd invariants on random models', () => {
  for (const modelName of ['mlp', 'conv']) {
    for (const { label, options } of CONFIGS) {
      it(`${modelName}: ${label}: x' is a valid image within ε of x`, () => {
        const { logitsFn } = models.find((m) => m.name === modelName)!.model;
        const adv = pgd(logitsFn, x, y, options);
        try {
          expect(adv.shape).toEqual(x.shape);
          expect(adv.dtype).toBe('float32');
          expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(options.eps + 1e-6);
          const [lo, hi] = minMax(adv);
          expect(lo).toBeGreaterThanOrEqual(0);
          expect(hi).toBeLessThanOrEqual(1);
        } finally {
          adv.dispose();
        }
      });
    }
  }

  it('the inputs include pixels at exactly 0 and exactly 1', () => {
    const values = x.dataSync();
    expect(values.some((v) => v === 0)).toBe(true);
    expect(values.some((v) => v === 1)).toBe(true);
  });

  it('pushes pixels that start at 0 or 1 only inward', () => {
    const { logitsFn } = models[0].model;
    const adv = pgd(logitsFn, x, y, { eps: 0.3, steps: 4, stepSize: 0.1, seed: 5 });
    const xs = x.dataSync();
    const advs = adv.dataSync();
    adv.dispose();
    let atBounds = 0;
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === 0) {
        atBounds++;
        expect(advs[i]).toBeGreaterThanOrEqual(0);
        expect(advs[i]).toBeLessThanOrEqual(0.3 + 1e-6);
      } else if (xs[i] === 1) {
        atBounds++;
        expect(advs[i]).toBeLessThanOrEqual(1);
        expect(advs[i]).toBeGreaterThanOrEqual(0.7 - 1e-6);
      }
    }
    expect(atBounds).toBeGreaterThan(0);
  });

  it('leaves x and y untouched and usable', () => {
    const before = x.dataSync().slice();
    const adv = pgd(models[0].model.logitsFn, x, y, { eps: 0.1, steps: 2, stepSize: 0.05, keep: 'best', seed: 6 });
    adv.dispose();
    expect(x.isDisposed).toBe(false);
    expect(y.isDisposed).toBe(false);
    expect(Array.from(x.dataSync())).toEqual(Array.from(before));
  });
});

describe("pgd keep: 'best'", () => {
  for (const modelName of ['mlp', 'conv']) {
    it(`${modelName}: per-sample loss at x' is never lower than at x`, () => {
      const { logitsFn } = models.find((m) => m.name === modelName)!.model;
      // A large step overshoots, so the last iterate can be worse than x for some samples.
      for (const options of [
        { eps: 0.05, steps: 1, stepSize: 0.05, randomStart: false },
        { eps: 0.3, steps: 3, stepSize: 0.3, seed: 7 },
        { eps: 0.02, steps: 0, stepSize: 0.01, seed: 8 },
      ] satisfies PgdOptions[]) {
        const adv = pgd(logitsFn, x, y, { ...options, keep: 'best' });
        const clean = lossPerSample(logitsFn, x, y);
        const attacked = lossPerSample(logitsFn, adv, y);
        adv.dispose();
        for (let i = 0; i < N; i++) expect(attacked[i]).toBeGreaterThanOrEqual(clean[i]);
      }
    });

    it(`${modelName}: per-sample loss is at least that of the last iterate`, () => {
      const { logitsFn } = models.find((m) => m.name === modelName)!.model;
      const options: PgdOptions = { eps: 0.2, steps: 4, stepSize: 0.15, seed: 9 };
      const last = pgd(logitsFn, x, y, { ...options, keep: 'last' });
      const best = pgd(logitsFn, x, y, { ...options, keep: 'best' });
      const lastLoss = lossPerSample(logitsFn, last, y);
      const bestLoss = lossPerSample(logitsFn, best, y);
      tf.dispose([last, best]);
      for (let i = 0; i < N; i++) expect(bestLoss[i]).toBeGreaterThanOrEqual(lastLoss[i]);
    });
  }
});

describe('pgd special cases', () => {
  it('steps = 0 without random start returns x (a new tensor)', () => {
    for (const keep of ['last', 'best'] as const) {
      const adv = pgd(models[0].model.logitsFn, x, y, { eps: 0.1, steps: 0, stepSize: 0.1, randomStart: false, keep });
      expect(adv).not.toBe(x);
      expect(Array.from(adv.dataSync())).toEqual(Array.from(x.dataSync()));
      adv.dispose();
      expect(x.isDisposed).toBe(false);
    }
  });

  it('steps = 0 with random start returns the random start point, inside the ball', () => {
    const adv = pgd(models[0].model.logitsFn, x, y, { eps: 0.1, steps: 0, stepSize: 0.1, seed: 10 });
    expect(maxAbsDiff(adv, x)).toBeGreaterThan(0);
    expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(0.1 + 1e-6);
    adv.dispose();
  });

  it('ε = 0 returns x', () => {
    const adv = pgd(models[1].model.logitsFn, x, y, { eps: 0, steps: 3, stepSize: 0.1, seed: 11 });
    expect(maxAbsDiff(adv, x)).toBe(0);
    adv.dispose();
  });

  it('accepts float32 labels (the tf.tensor1d default) like int32 labels', () => {
    const yFloat = tf.cast(y, 'float32') as tf.Tensor1D;
    const options: PgdOptions = { eps: 0.1, steps: 2, stepSize: 0.05, seed: 12 };
    const a = pgd(models[0].model.logitsFn, x, y, options);
    const b = pgd(models[0].model.logitsFn, x, yFloat, options);
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b, yFloat]);
  });

  it('calls logitsFn steps·eot times (last) and (steps + 2)·eot times (best)', () => {
    let calls = 0;
    const counted: LogitsFn = (input) => {
      calls++;
      return models[0].model.logitsFn(input);
    };
    for (const [keep, eot, steps, expected] of [
      ['last', 1, 4, 4],
      ['last', 3, 4, 12],
      ['best', 1, 4, 6],
      ['best', 3, 4, 18],
      ['best', 2, 0, 4],
    ] as const) {
      calls = 0;
      pgd(counted, x, y, { eps: 0.1, steps, stepSize: 0.03, eot, keep, seed: 13 }).dispose();
      expect(calls).toBe(expected);
    }
  });

  it('does not change model variables', () => {
    const w = tf.variable(tf.randomNormal([6 * 6 * 2, CLASSES], 0, 0.3, 'float32', 14));
    const before = w.dataSync().slice();
    const logitsFn: LogitsFn = (input) => tf.tidy(() => tf.matMul(tf.reshape<tf.Rank.R2>(input, [input.shape[0], -1]), w));
    pgd(logitsFn, x, y, { eps: 0.1, steps: 3, stepSize: 0.05, seed: 15 }).dispose();
    expect(Array.from(w.dataSync())).toEqual(Array.from(before));
    w.dispose();
  });
});

describe('pgd seeding', () => {
  const options: PgdOptions = { eps: 0.2, steps: 3, stepSize: 0.04 };

  it('runs with the same seed are identical', () => {
    for (const keep of ['last', 'best'] as const) {
      const a = pgd(models[1].model.logitsFn, x, y, { ...options, keep, seed: 42 });
      const b = pgd(models[1].model.logitsFn, x, y, { ...options, keep, seed: 42 });
      expect(maxAbsDiff(a, b)).toBe(0);
      tf.dispose([a, b]);
    }
  });

  it('runs with different seeds differ', () => {
    const a = pgd(models[1].model.logitsFn, x, y, { ...options, seed: 42 });
    const b = pgd(models[1].model.logitsFn, x, y, { ...options, seed: 43 });
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
    tf.dispose([a, b]);
  });

  it('without random start the seed does not matter', () => {
    const a = pgd(models[1].model.logitsFn, x, y, { ...options, randomStart: false, seed: 1 });
    const b = pgd(models[1].model.logitsFn, x, y, { ...options, randomStart: false, seed: 2 });
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
  });
});

describe('fgsm', () => {
  for (const eps of [0, 4 / 255, 0.1, 0.5]) {
    it(`ε = ${eps.toFixed(3)}: equals clip01(x + ε·sign(∇x Σ CE)) computed independently`, () => {
      for (const { model } of models) {
        const expected = tf.tidy(() => {
          const lossSum = (input: tf.Tensor) => {
            const logits = model.logitsFn(input as tf.Tensor4D);
            const logProbs = tf.logSoftmax(logits);
            return tf.neg(tf.sum(tf.mul(tf.oneHot(y, CLASSES), logProbs)));
          };
          const g = tf.grad(lossSum)(x);
          return tf.clipByValue(tf.add(x, tf.mul(tf.sign(g), eps)), 0, 1);
        });
        const adv = fgsm(model.logitsFn, x, y, { eps });
        expect(maxAbsDiff(adv, expected)).toBeLessThanOrEqual(1e-7);
        expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(eps + 1e-6);
        tf.dispose([adv, expected]);
      }
    });
  }

  it('equals one PGD step without random start and with α = ε', () => {
    const a = fgsm(models[0].model.logitsFn, x, y, { eps: 0.07 });
    const b = pgd(models[0].model.logitsFn, x, y, { eps: 0.07, steps: 1, stepSize: 0.07, randomStart: false });
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
  });

  it('validates ε', () => {
    expect(() => fgsm(models[0].model.logitsFn, x, y, { eps: -0.1 })).toThrow(RangeError);
    expect(() => fgsm(models[0].model.logitsFn, x, y, { eps: Number.NaN })).toThrow(RangeError);
  });
});

describe('pgd options validation', () => {
  const base: PgdOptions = { eps: 0.1, steps: 2, stepSize: 0.05 };
  const bad: [string, Partial<PgdOptions> | Record<string, unknown>, RegExp][] = [
    ['negative eps', { eps: -0.1 }, /eps/],
    ['NaN eps', { eps: Number.NaN }, /eps/],
    ['infinite eps', { eps: Number.POSITIVE_INFINITY }, /eps/],
    ['fractional steps', { steps: 1.5 }, /steps/],
    ['negative steps', { steps: -1 }, /steps/],
    ['negative stepSize', { stepSize: -0.01 }, /stepSize/],
    ['NaN stepSize', { stepSize: Number.NaN }, /stepSize/],
    ['eot 0', { eot: 0 }, /eot/],
    ['fractional eot', { eot: 2.5 }, /eot/],
    ['unknown keep', { keep: 'Best' }, /keep/],
    ['fractional seed', { seed: 1.5 }, /seed/],
  ];
  for (const [label, override, message] of bad) {
    it(`rejects ${label} with a RangeError before calling the model`, () => {
      let calls = 0;
      const counted: LogitsFn = (input) => {
        calls++;
        return models[0].model.logitsFn(input);
      };
      const before = tf.memory().numTensors;
      expect(() => pgd(counted, x, y, { ...base, ...override } as PgdOptions)).toThrow(RangeError);
      expect(() => pgd(counted, x, y, { ...base, ...override } as PgdOptions)).toThrow(message);
      expect(calls).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a throwing logitsFn propagates its error and leaks no tensors', () => {
    // steps = 3: calls 1..3 are the steps with keep 'last'; with 'best', 1 is x's loss and 5 the last iterate's.
    for (const [keep, totalCalls] of [['last', 3], ['best', 5]] as const) {
      for (let failAt = 1; failAt <= totalCalls; failAt++) {
        let calls = 0;
        const failing: LogitsFn = (input) => {
          if (++calls === failAt) throw new Error('model failed');
          return models[0].model.logitsFn(input);
        };
        const before = tf.memory().numTensors;
        expect(() => pgd(failing, x, y, { eps: 0.1, steps: 3, stepSize: 0.05, seed: 16, keep })).toThrow('model failed');
        expect(tf.memory().numTensors).toBe(before);
      }
    }
  });
});
