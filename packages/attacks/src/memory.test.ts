import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy } from './accuracy';
import { attackAccuracy } from './attack-accuracy';
import { fgsm } from './fgsm';
import { pgd, type PgdOptions } from './pgd';
import { noisyLinearModel, randomConvNet, randomImages, randomLabels, type TestModel } from './test-utils/models';
import { useBackend, type TestBackend } from './test-utils/tf-setup';

const SHAPE: [number, number, number] = [6, 6, 1];
const CLASSES = 4;
const N = 10;
const ITERATIONS = 3;

const PGD_CASES: { label: string; options: PgdOptions }[] = [
  { label: "keep 'last'", options: { eps: 0.1, steps: 3, stepSize: 0.04, seed: 1 } },
  { label: "keep 'best'", options: { eps: 0.1, steps: 3, stepSize: 0.04, seed: 2, keep: 'best' } },
  { label: "eot 3, keep 'last'", options: { eps: 0.1, steps: 2, stepSize: 0.04, eot: 3, seed: 3 } },
  { label: "eot 3, keep 'best'", options: { eps: 0.1, steps: 2, stepSize: 0.04, eot: 3, seed: 4, keep: 'best' } },
  { label: 'steps 0, no random start', options: { eps: 0.1, steps: 0, stepSize: 0.04, randomStart: false, keep: 'best' } },
];

/** Runs `body` several times and checks the live tensor count after each run, the first included. */
async function expectNoLeak(body: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  for (let i = 0; i < ITERATIONS; i++) {
    await body();
    expect(tf.memory().numTensors).toBe(before);
  }
}

for (const backend of ['cpu', 'wasm'] as TestBackend[]) {
  describe(`no tensor leaks on ${backend}`, () => {
    let deterministic: TestModel;
    let randomized: TestModel;
    let x: tf.Tensor4D;
    let y: tf.Tensor1D;
    let baseline: number;

    beforeAll(async () => {
      await useBackend(backend);
      baseline = tf.memory().numTensors;
      deterministic = randomConvNet(51, SHAPE, 3, CLASSES);
      randomized = noisyLinearModel(52, SHAPE, CLASSES, 0.3);
      x = randomImages(53, [N, ...SHAPE]);
      y = randomLabels(54, N, CLASSES);
    });

    afterAll(() => {
      deterministic.dispose();
      randomized.dispose();
      tf.dispose([x, y]);
      // Everything this block created is gone again.
      expect(tf.memory().numTensors).toBe(baseline);
    });

    for (const { label, options } of PGD_CASES) {
      for (const modelName of ['deterministic', 'randomized'] as const) {
        it(`pgd, ${label}, ${modelName} model`, async () => {
          const model = modelName === 'deterministic' ? deterministic : randomized;
          await expectNoLeak(() => pgd(model.logitsFn, x, y, options).dispose());
        });
      }
    }

    it('pgd, unseeded random start', async () => {
      await expectNoLeak(() => pgd(deterministic.logitsFn, x, y, { eps: 0.1, steps: 2, stepSize: 0.05 }).dispose());
    });

    it('fgsm', async () => {
      await expectNoLeak(() => fgsm(deterministic.logitsFn, x, y, { eps: 0.05 }).dispose());
    });

    it('accuracy', async () => {
      await expectNoLeak(async () => {
        await accuracy(deterministic.logitsFn, x, y, { batchSize: 4 });
      });
    });

    for (const keep of ['last', 'best'] as const) {
      it(`attackAccuracy with pgd (keep '${keep}', eot 2)`, async () => {
        await expectNoLeak(async () => {
          await attackAccuracy(
            (f, xb, yb) => pgd(f, xb, yb, { eps: 0.1, steps: 2, stepSize: 0.05, eot: 2, keep, seed: 5 }),
            randomized.logitsFn,
            x,
            y,
            { batchSize: 4 },
          );
        });
      });
    }

    it('attackAccuracy when the attack throws', async () => {
      await expectNoLeak(async () => {
        await expect(
          attackAccuracy(
            () => {
              throw new Error('attack failed');
            },
            deterministic.logitsFn,
            x,
            y,
            { batchSize: 4 },
          ),
        ).rejects.toThrow('attack failed');
      });
    });
  });
}
