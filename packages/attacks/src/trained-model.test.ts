import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy } from './accuracy';
import { attackAccuracy } from './attack-accuracy';
import { fgsm } from './fgsm';
import { pgd, type PgdOptions } from './pgd';
import { patternDataset, trainMlp, type TestModel } from './test-utils/models';
import { lossPerSample, maxAbsDiff, sum, uniformNoise } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';

/**
 * ε equals the smallest pattern amplitude of the synthetic data (0.1), so no perturbation can erase a
 * pattern; uniform noise of that size barely matters, a gradient attack of that size does.
 */
const EPS = 0.1;
const STEPS = 10;
const PGD: PgdOptions = { eps: EPS, steps: STEPS, stepSize: (2.5 * EPS) / STEPS, seed: 7 };
const BATCH = { batchSize: 100 };

let model: TestModel;
let train: { x: tf.Tensor4D; y: tf.Tensor1D };
let test: { x: tf.Tensor4D; y: tf.Tensor1D };
let noisy: tf.Tensor4D;
let adv: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  train = patternDataset(1, 400);
  test = patternDataset(2, 200);
  model = trainMlp(train.x, train.y, { seed: 3, epochs: 20, batchSize: 32, learningRate: 0.1, hidden: 64 });
  noisy = uniformNoise(test.x, EPS, 11);
  adv = pgd(model.logitsFn, test.x, test.y, PGD);
});

afterAll(() => {
  model.dispose();
  tf.dispose([train.x, train.y, test.x, test.y, noisy, adv]);
});

describe('PGD against a classifier trained in the test', () => {
  it(`at ε = ${EPS}, PGD lowers accuracy far more than uniform noise of the same ε`, async () => {
    const clean = await accuracy(model.logitsFn, test.x, test.y, BATCH);
    const noise = await accuracy(model.logitsFn, noisy, test.y, BATCH);
    const attacked = await accuracy(model.logitsFn, adv, test.y, BATCH);
    console.info(`clean ${clean}% · uniform noise ${noise}% · PGD-${STEPS} ${attacked}% (ε = ${EPS}, 200 test samples)`);

    expect(maxAbsDiff(noisy, test.x)).toBeLessThanOrEqual(EPS + 1e-6);
    expect(maxAbsDiff(adv, test.x)).toBeLessThanOrEqual(EPS + 1e-6);
    expect(clean).toBeGreaterThan(90);
    expect(noise).toBeGreaterThan(85);
    expect(attacked).toBeLessThan(noise - 30);
  });

  it('PGD raises the summed cross-entropy above clean and above noise; FGSM raises it too', () => {
    const cleanLoss = sum(lossPerSample(model.logitsFn, test.x, test.y));
    const noiseLoss = sum(lossPerSample(model.logitsFn, noisy, test.y));
    const pgdLoss = sum(lossPerSample(model.logitsFn, adv, test.y));
    const fgsmAdv = fgsm(model.logitsFn, test.x, test.y, { eps: EPS });
    const fgsmLoss = sum(lossPerSample(model.logitsFn, fgsmAdv, test.y));
    fgsmAdv.dispose();

    expect(pgdLoss).toBeGreaterThan(cleanLoss);
    expect(pgdLoss).toBeGreaterThan(noiseLoss);
    expect(fgsmLoss).toBeGreaterThan(cleanLoss);
    // More steps find a higher loss than the single FGSM step.
    expect(pgdLoss).toBeGreaterThan(fgsmLoss);
  });

  it("keep 'best' is at least as strong as keep 'last' and never below clean, per sample", () => {
    const best = pgd(model.logitsFn, test.x, test.y, { ...PGD, keep: 'best' });
    const clean = lossPerSample(model.logitsFn, test.x, test.y);
    const last = lossPerSample(model.logitsFn, adv, test.y);
    const kept = lossPerSample(model.logitsFn, best, test.y);
    best.dispose();
    for (let i = 0; i < clean.length; i++) {
      expect(kept[i]).toBeGreaterThanOrEqual(clean[i]);
      expect(kept[i]).toBeGreaterThanOrEqual(last[i]);
    }
  });

  it('attackAccuracy: CA is the clean accuracy and RA the share correct both clean and under PGD', async () => {
    // One batch, so the attack runs exactly as the `adv` computed above (same seed, same random start).
    const result = await attackAccuracy((f, xb, yb) => pgd(f, xb, yb, PGD), model.logitsFn, test.x, test.y, {
      batchSize: 200,
    });
    expect(result.ca).toBe(await accuracy(model.logitsFn, test.x, test.y, BATCH));
    const advCorrect = tf.tidy(() => Array.from(tf.equal(tf.argMax(model.logitsFn(adv), 1), test.y).dataSync(), (v) => v === 1));
    expect(result.advCorrect).toEqual(advCorrect);
    const both = advCorrect.filter((correct, i) => correct && result.cleanCorrect[i]).length;
    expect(result.ra).toBeCloseTo((100 * both) / 200, 10);
    expect(result.ra).toBeLessThanOrEqual(result.ca);
  });
});
