import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, it } from 'vitest';
import { useBackend } from './test-utils/tf-setup';
import { patternDataset, trainConvNet, trainMlp } from './test-utils/models';
import { accuracy } from './accuracy';
import { pgd } from './pgd';

beforeAll(async () => { await useBackend('cpu'); });

it('proto', async () => {
  for (const cfg of [{ lr: 0.1, epochs: 20, filters: 64 }]) { for (const eps of [0.1]) {
  for (const s of [1, 10, 20, 30, 40]) {
  const t0 = Date.now();
  const train = patternDataset(s, 400);
  const test = patternDataset(s + 1, 200);
  const model = trainMlp(train.x, train.y, { seed: s + 2, epochs: cfg.epochs, batchSize: 32, learningRate: cfg.lr, hidden: cfg.filters });
  const t1 = Date.now();
  const clean = await accuracy(model.logitsFn, test.x, test.y, { batchSize: 200 });
    const noisy = tf.tidy(() => tf.clipByValue(tf.add(test.x, tf.randomUniform(test.x.shape, -eps, eps, 'float32', 7)), 0, 1)) as tf.Tensor4D;
    const noiseAcc = await accuracy(model.logitsFn, noisy, test.y, { batchSize: 200 });
    const adv = pgd(model.logitsFn, test.x, test.y, { eps, steps: 20, stepSize: 2.5 * eps / 20, seed: 1 });
    const advAcc = await accuracy(model.logitsFn, adv, test.y, { batchSize: 200 });
    console.log(JSON.stringify(cfg), 'eps', eps, 'seed', s, 'train ms', t1 - t0, 'clean', clean, 'noise', noiseAcc, 'pgd', advAcc);
    adv.dispose(); noisy.dispose();
  }
  }
}});
