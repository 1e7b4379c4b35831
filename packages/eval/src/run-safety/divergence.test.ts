import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getPreset, registerPreset } from '../recipes/presets';
import { runTrain } from '../commands/train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('divergence guard', () => {
  it('stops with the step and says no checkpoint was written; nothing broken is saved', async () => {
    const base = getPreset('fmnist-quick');
    registerPreset({ ...base, name: 'diverge-test', trainLimit: 64, batchSize: 32, epochs: 2, lr: 1e30, trainAttack: { ...base.trainAttack, steps: 1 } });
    const out = join(dataDir, 'diverged');
    await expect(runTrain({ preset: 'diverge-test', method: 'standard', out, dataDir, verify: false, quiet: true })).rejects.toThrow(
      /training diverged: loss is (NaN|Infinity) at epoch 1, step \d+; no checkpoint was written/,
    );
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
  }, 60_000);
});
