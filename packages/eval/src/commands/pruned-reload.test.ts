import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWeights } from '@floatjs/checkpoint';
import type { PruningPlugin } from '@floatjs/pruning';
import { buildModel, loadRecipe } from '../recipes/recipe';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(['floats-i', 'floats-c'])('a reloaded %s checkpoint', (method) => {
  it('is evaluated with the masks it was trained with, not masks drawn on its first forward', async () => {
    const out = join(dataDir, method);
    await runTrain({ preset: tinyPreset().name, method, out, dataDir, verify: false, quiet: true });
    const model = buildModel(loadRecipe(out));
    try {
      loadWeights(out, model);
      const pruning = model.host.plugins.find((p) => p.name === (method === 'floats-i' ? 'sparse-momentum' : 'channel-prune')) as PruningPlugin;
      const masks = pruning.masks();
      expect(masks.size).toBe(model.layers.filter((l) => l.kind === 'conv2d').length);
      for (const m of masks.values()) {
        // A kept weight is trained and nonzero; a pruned one is stored as exactly 0.
        const w = model.variables.get(`${m.name}.kernel`)!.dataSync();
        let agree = 0;
        for (let i = 0; i < w.length; i++) if ((w[i] !== 0) === (m.bits[i] === 1)) agree++;
        expect(agree / w.length, m.name).toBeGreaterThan(0.99);
        for (let i = 0; i < w.length; i++) if (m.bits[i] === 0) expect(w[i]).toBe(0);
      }
    } finally {
      model.dispose();
    }
  }, 60_000);
});
