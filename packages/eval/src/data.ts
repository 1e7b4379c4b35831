import { batchCount, batches, loadMnistLike, type Dataset } from '@floatjs/datasets';
import type { BatchSource } from '@floatjs/engine';
import type { Preset } from './presets';

export interface DataOptions {
  dataDir?: string;
  download?: boolean;
  /** False skips the checksum check (custom or modified files). Default true. */
  verify?: boolean;
}

export function loadSplit(preset: Preset, split: 'train' | 'test', opts: DataOptions, limit?: number): Promise<Dataset> {
  return loadMnistLike(preset.dataset, split, {
    dir: opts.dataDir,
    download: opts.download,
    verify: opts.verify,
    limit: limit ?? (split === 'train' ? preset.trainLimit : preset.testLimit),
  });
}

/** Seeded shuffled batches; the order depends only on (seed, epoch), so runs repeat exactly. */
export function trainBatches(ds: Dataset, batchSize: number, seed: number): BatchSource {
  return {
    batchesPerEpoch: batchCount(ds.n, batchSize),
    batches: (epoch) => batches(ds, { batchSize, shuffle: true, seed, epoch }),
  };
}
