import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRecipe } from '../recipes/recipe';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 10);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('runTrain trainLimit / batchSize overrides', () => {
  it('trains on the first trainLimit images in batches of batchSize and records both; a resume keeps them', async () => {
    const preset = tinyPreset();
    const out = join(dataDir, 'small');
    const base = { preset: preset.name, method: 'standard', out, dataDir, verify: false, quiet: true, seed: 2, backend: 'wasm' };
    const s = await runTrain({ ...base, trainLimit: 24, batchSize: 10 });
    expect(s.trainImages).toBe(24);
    expect(loadRecipe(out).training).toMatchObject({ batchSize: 10, trainLimit: 24, epochs: 1, augment: 'none' });
    // Resuming with other overrides must not change the batch order of the recorded run.
    const r = await runTrain({ ...base, resume: true, epochs: 2, trainLimit: 50, batchSize: 7 });
    expect(r.trainImages).toBe(24);
    expect(loadRecipe(out).training).toMatchObject({ batchSize: 10, trainLimit: 24, epochs: 2 });
  });

  it('names the flag of a bad override', async () => {
    const base = { preset: tinyPreset().name, out: join(dataDir, 'bad'), dataDir, verify: false, quiet: true };
    await expect(runTrain({ ...base, batchSize: 0 })).rejects.toThrow('--batch-size: expected a positive integer, got 0');
    await expect(runTrain({ ...base, trainLimit: 2.5 })).rejects.toThrow('--limit: expected a positive integer, got 2.5');
  });
});
