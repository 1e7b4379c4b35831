import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDatasetDef, IMAGENET100_CMC_WNIDS } from '@floatjs/datasets';
import { writeFakeCifar10, writeFakeCifar100, writeFakeImagenetFolder, writeFakeStl10, writeFakeSvhn, writeFakeTinyImagenet } from '@floatjs/datasets/testing';
import { selectBackend } from '@floatjs/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAPER_INPUTS, PAPER_PRESETS, type PaperDataset } from './paper-presets';
import { getPreset } from './presets';
import { loadRecipe } from './recipe';
import { runTrain } from '../commands/train';
import { captureProgress } from '../test-utils/capture-progress';

const root = mkdtempSync(join(tmpdir(), 'floatjs-paper-presets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 200 distinct wnids, so the Tiny-ImageNet stand-in has the real class count. */
const TINY_WNIDS = Array.from({ length: 200 }, (_, i) => `n${String(1_000_000 + i).padStart(8, '0')}`);

/**
 * The smallest stand-in in each dataset's official layout, with the real class count (labels and the model's
 * head size come from the files). Returns the directory to pass as dataDir.
 */
const STAND_INS: Record<PaperDataset, (dir: string) => Promise<string>> = {
  cifar10: async (dir) => (await writeFakeCifar10(dir, { train: 5, test: 1, layout: 'archive' })).dir,
  cifar100: async (dir) => (await writeFakeCifar100(dir, { train: 2, test: 1, layout: 'archive' })).dir,
  svhn: async (dir) => (await writeFakeSvhn(dir, { train: 2, test: 1 })).dir,
  stl10: async (dir) => (await writeFakeStl10(dir, { train: 2, test: 1, unlabeled: 1, layout: 'archive' })).dir,
  'tiny-imagenet-200': async (dir) => {
    await writeFakeTinyImagenet(dir, { perClass: 1, valPerClass: 1, classes: TINY_WNIDS });
    return dir;
  },
  imagenet100: async (dir) => (await writeFakeImagenetFolder(dir, { classes: IMAGENET100_CMC_WNIDS, trainPerClass: 1, valPerClass: 1, size: () => [24, 40] })).root,
};


beforeAll(async () => {
  await selectBackend('wasm');
});

describe('paper presets train on files in the official layouts', () => {
  it('registers every paper preset', () => {
    for (const p of PAPER_PRESETS) expect(getPreset(p.name)).toBe(p);
  });

  for (const preset of PAPER_PRESETS) {
    it(`${preset.name}: one optimizer step of ${preset.model} on 2 ${preset.dataset} images`, async () => {
      const dataDir = await STAND_INS[preset.dataset as PaperDataset](join(root, preset.dataset));
      const out = join(root, `run-${preset.name}`);
      const { result: summary, lines } = await captureProgress(() =>
        runTrain({ preset: preset.name, method: 'float', out, dataDir, verify: false, trainLimit: 2, batchSize: 2, epochs: 1, backend: 'wasm', seed: 1 }),
      );

      // The config line comes first after the backend and carries the whole preset, paper values included.
      const config = lines.find((l) => l.event === 'config');
      expect(config, 'config progress line').toBeDefined();
      expect(config!.preset).toEqual(JSON.parse(JSON.stringify(preset)));
      expect(config!.run).toEqual({ method: 'float', seed: 1, epochs: 1, batchSize: 2, trainLimit: 2 });
      expect(lines.findIndex((l) => l.event === 'config')).toBeLessThan(lines.findIndex((l) => l.event === 'data'));

      for (const f of ['model.safetensors', 'recipe.json', 'summary.json', 'train-log.jsonl']) expect(existsSync(join(out, f)), f).toBe(true);
      const recipe = loadRecipe(out);
      expect(recipe).toMatchObject({ preset: preset.name, dataset: preset.dataset, architecture: preset.model, method: 'float' });
      expect(recipe.input).toEqual(PAPER_INPUTS[preset.dataset as PaperDataset]);
      const lazy = preset.dataset === 'imagenet100';
      expect(recipe.training).toEqual({
        epochs: 1,
        batchSize: 2,
        lr: preset.lr,
        momentum: preset.momentum,
        weightDecay: preset.weightDecay,
        schedule: preset.schedule,
        trainLimit: 2,
        augment: lazy ? 'random-resized-crop-flip' : getDatasetDef(preset.dataset).augment,
        attack: preset.trainAttack,
      });
      // The paper's training attack: PGD-7 at ε = 8/255 [§4.1].
      expect(recipe.training.attack).toMatchObject({ eps: 8 / 255, steps: 7, randomStart: true });
      expect(recipe.training.lr).toBe(0.1);

      const steps = readFileSync(join(out, 'train-log.jsonl'), 'utf8').split('\n').filter((l) => l.startsWith('{"event":"step"'));
      expect(steps).toHaveLength(1);
      expect(summary.trainImages).toBe(2);
      expect(summary.epochs).toBe(1);
      expect(Number.isFinite(summary.finalLoss)).toBe(true);
      expect(summary.finalLoss).toBeGreaterThan(0);
    });
  }
});
