// The engine's Trainer on the fast paths (wasm and cpu with this package's kernels); the engine runs the same
// checks on the stock cpu backend. The checks are the engine's test code, imported by path.
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, FUSED_CONV } from '@floatjs/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { trainerChecks } from '../../engine/src/train/test-utils/trainer-checks';
import { selectBackend } from './backend';

for (const backend of ['cpu', 'wasm'] as const) trainerChecks(backend, () => selectBackend(backend), () => selectBackend('cpu'));

describe('the Trainer checks above run on the fast path', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it("selectBackend registers the engine's named kernels on cpu and wasm (else the checks would test stock ops)", async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend);
      expect(tf.getBackend()).toBe(backend);
      for (const kernel of [BATCH_NORM_TRAIN, FUSED_CONV]) expect(tf.getKernel(kernel, backend), `${kernel} on ${backend}`).toBeDefined();
    }
  });
});
