import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, Rng } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPrune } from './channel-prune';
import { sparseMomentum } from './sparse-momentum';

beforeAll(async () => {
  await useStockBackend('cpu');
});

const INPUT = { height: 8, width: 8, channels: 1, numClasses: 3 };

describe('model.dispose frees the mask plugins’ cached tensors', () => {
  for (const [name, make] of [
    ['sparseMomentum', () => sparseMomentum({ density: 0.3 })],
    ['channelPrune', () => channelPrune({ density: 0.5 })],
  ] as const) {
    it(`${name}: a model built, run and disposed leaves no tensors behind; the plugin still works after`, () => {
      const before = tf.memory().numTensors;
      const plugin = make();
      const run = () => {
        const model = createModel('cnn-s', INPUT, [plugin], 3);
        tf.tidy(() => model.forward(tf.ones([2, 8, 8, 1]), condition({}), new Rng(1)).dataSync());
        model.dispose();
      };
      run();
      expect(tf.memory().numTensors).toBe(before);
      // One plugin object may serve another model: its masks come back as tensors on demand.
      run();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
