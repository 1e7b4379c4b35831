import { join } from 'node:path';
import { runTrain } from '../commands/train';
import { writeTinyDataset } from './tiny-dataset';
import { tinyPreset } from './tiny-preset';

/**
 * A real `float train` run, as small as it gets: pgd-at with λ = 0.5 (so methodOptions and the training attack
 * are filled in) for one epoch on 64 tiny images. Returns the run directory (recipe.json, weights) and the data
 * directory; both live under the data directory, which the caller removes.
 */
export async function trainedRun(): Promise<{ dataDir: string; dir: string }> {
  const dataDir = writeTinyDataset(64, 20);
  const dir = join(dataDir, 'run');
  await runTrain({ preset: tinyPreset().name, method: 'pgd-at', lambda: 0.5, out: dir, dataDir, verify: false, quiet: true, seed: 7 });
  return { dataDir, dir };
}
