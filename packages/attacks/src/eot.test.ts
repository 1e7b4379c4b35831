import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackAccuracy } from './attack-accuracy';
import { expectedLoss } from './expected-loss';
import { lossAndInputGradient } from './loss-and-input-gradient';
import { pgd } from './pgd';
import { noisyLinearModel, randomImages, randomLabels } from './test-utils/models';
import { maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';

const SHAPE: [number, number, number] = [5, 5, 1];
const CLASSES = 3;
const N = 6;

let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  x = randomImages(21, [N, ...SHAPE]);
  y = randomLabels(22, N, CLASSES);
});

afterAll(() => tf.dispose([x, y]));

/** Per-element variance over repeated estimates, averaged over elements. */
function meanVariance(samples: Float32Array[]): number {
  const size = samples[0].length;
  let total = 0;
  for (let j = 0; j < size; j++) {
    let mean = 0;
    for (const s of samples) mean += s[j];
    mean /= samples.length;
    let variance = 0;
    for (const s of samples) variance += (s[j] - mean) ** 2;
    total += variance / (samples.length - 1);
  }
  return total / size;
}

function gradientSamples(draws: number, repeats: number, seed: number): Float32Array[] {
  const model = noisyLinearModel(seed, SHAPE, CLASSES, 0.5);
  const samples: Float32Array[] = [];
  for (let r = 0; r < repeats; r++) {
    const { loss, grad } = lossAndInputGradient(model.logitsFn, x, y, draws);
    samples.push(grad.dataSync() as Float32Array);
    tf.dispose([loss, grad]);
  }
  expect(model.calls()).toBe(draws * repeats);
  model.dispose();
  return samples;
}

describe('EOT with a randomized model', () => {
  it('the model is really randomized: two single-draw gradients differ', () => {
    const [a, b] = gradientSamples(1, 2, 31);
    expect(a.some((v, i) => v !== b[i])).toBe(true);
  });

  it('averaging 8 draws cuts the gradient variance (≈ 1/8 of a single draw)', () => {
    const single = meanVariance(gradientSamples(1, 40, 32));
    const averaged = meanVariance(gradientSamples(8, 40, 33));
    expect(single).toBeGreaterThan(0);
    expect(averaged).toBeLessThan(single / 4);
    expect(averaged).toBeGreaterThan(single / 20);
  });

  it('the averaged gradient is the mean of the per-draw gradients of the same draws', () => {
    // Same seed → same noise sequence: draws 1..4 of the EOT call are the four single calls.
    const singles = gradientSamples(1, 4, 34);
    const [averaged] = gradientSamples(4, 1, 34);
    for (let j = 0; j < averaged.length; j++) {
      const mean = (singles[0][j] + singles[1][j] + singles[2][j] + singles[3][j]) / 4;
      expect(averaged[j]).toBeCloseTo(mean, 5);
    }
  });

  it('expectedLoss averages the loss over `draws` calls', () => {
    const model = noisyLinearModel(35, SHAPE, CLASSES, 0.5);
    const loss = expectedLoss(model.logitsFn, x, y, 5);
    expect(model.calls()).toBe(5);
    expect(loss.shape).toEqual([N]);
    loss.dispose();
    model.dispose();
  });

  for (const keep of ['last', 'best'] as const) {
    it(`pgd keep '${keep}' with eot = n calls the model n times per step and stays in the ε-ball`, () => {
      const model = noisyLinearModel(36, SHAPE, CLASSES, 0.5);
      const steps = 5;
      const eot = 4;
      const eps = 0.08;
      const adv = pgd(model.logitsFn, x, y, { eps, steps, stepSize: 0.03, eot, keep, seed: 37 });
      expect(model.calls()).toBe(keep === 'last' ? steps * eot : (steps + 2) * eot);
      expect(adv.shape).toEqual(x.shape);
      expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(eps + 1e-6);
      const [lo, hi] = minMax(adv);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      adv.dispose();
      model.dispose();
    });
  }

  it('attackAccuracy with an EOT attack: one clean call, the attack calls and one verdict call per batch', async () => {
    const model = noisyLinearModel(38, SHAPE, CLASSES, 0.5);
    const steps = 2;
    const eot = 3;
    const result = await attackAccuracy(
      (f, xb, yb) => pgd(f, xb, yb, { eps: 0.05, steps, stepSize: 0.02, eot, seed: 39 }),
      model.logitsFn,
      x,
      y,
      { batchSize: 4 },
    );
    const batches = Math.ceil(N / 4);
    expect(model.calls()).toBe(batches * (1 + steps * eot + 1));
    expect(result.cleanCorrect).toHaveLength(N);
    model.dispose();
  });
});
