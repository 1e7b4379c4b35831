import {
  augmentFor,
  batchCount,
  batches,
  getDatasetDef,
  loadDataset,
  type Augment,
  type Dataset,
  type DatasetDef,
  type DatasetLoadOptions,
  type LazyImageDataset,
} from '@floatjs/datasets';
import type { BatchSource } from '@floatjs/engine';
import type { Preset } from './presets';

export interface DataOptions {
  dataDir?: string;
  download?: boolean;
  /** False skips the checksum check (custom or modified files). Default true. */
  verify?: boolean;
}

/**
 * Test images `loadSplit` keeps of a dataset too large to hold decoded (ImageNet-100) when neither the
 * caller nor the preset gives a limit: evaluation holds the split as one float tensor, and ImageNet-100's
 * 5,000 val images at 224×224 would take 3 GB. The subset is balanced over classes (10 per class).
 */
export const LAZY_SPLIT_DEFAULT_LIMIT = 1000;

/** A registry dataset that can also be read lazily, decoding images batch by batch (imagenet100). */
type LazyLoad = (split: string, opts?: DatasetLoadOptions) => Promise<LazyImageDataset>;

function lazyLoader(def: DatasetDef): LazyLoad | undefined {
  const load = (def as DatasetDef & { loadLazy?: LazyLoad }).loadLazy;
  return typeof load === 'function' ? load : undefined;
}

function loadOptions(opts: DataOptions, limit: number | undefined): DatasetLoadOptions {
  return { dir: opts.dataDir, download: opts.download, verify: opts.verify, limit };
}

/**
 * One split of the preset's dataset in memory, through the @floatjs/datasets registry. `limit` (else the
 * preset's trainLimit / testLimit) keeps the first examples (Tiny-ImageNet, ImageNet-100: a class-balanced
 * subset). Datasets read lazily for training are capped at LAZY_SPLIT_DEFAULT_LIMIT when no limit is given.
 */
export function loadSplit(preset: Preset, split: 'train' | 'test', opts: DataOptions, limit?: number): Promise<Dataset> {
  const def = getDatasetDef(preset.dataset);
  const given = limit ?? (split === 'train' ? preset.trainLimit : preset.testLimit);
  const capped = given ?? (lazyLoader(def) ? LAZY_SPLIT_DEFAULT_LIMIT : undefined);
  return loadDataset(def.name, split, loadOptions(opts, capped));
}

/** What training reads: the examples' shape, the batches, and the augmentation they carry. */
export interface TrainData {
  n: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  /** `crop-flip` / `none` (the dataset's standard augmentation), or `random-resized-crop-flip` for lazy datasets. */
  augment: string;
  batches: BatchSource;
}

/**
 * The training split of the preset's dataset as seeded, shuffled, augmented batches. In-memory datasets get
 * their standard augmentation (`augmentFor(def.augment)`); lazy ones (ImageNet-100) are decoded per batch
 * with RandomResizedCrop + flip. Order and augmentation depend only on (seed, epoch), so a resumed run
 * repeats the interrupted epoch exactly.
 */
export async function loadTrainData(preset: Preset, opts: DataOptions, run: { limit?: number; batchSize: number; seed: number }): Promise<TrainData> {
  const def = getDatasetDef(preset.dataset);
  const lazyLoad = lazyLoader(def);
  if (lazyLoad) {
    const lazy = await lazyLoad('train', loadOptions(opts, run.limit));
    if (!lazy.augment) throw new Error(`${def.name} train: the lazy loader returned an unaugmented split; expected RandomResizedCrop + flip`);
    return { ...shapeOf(lazy), augment: 'random-resized-crop-flip', batches: lazyTrainBatches(lazy, run.batchSize, run.seed) };
  }
  const ds = await loadDataset(def.name, 'train', loadOptions(opts, run.limit));
  return { ...shapeOf(ds), augment: def.augment, batches: trainBatches(ds, run.batchSize, run.seed, augmentFor(def.augment)) };
}

function shapeOf(ds: Pick<Dataset, 'n' | 'height' | 'width' | 'channels' | 'numClasses'>) {
  return { n: ds.n, height: ds.height, width: ds.width, channels: ds.channels, numClasses: ds.numClasses };
}

/** Seeded shuffled batches; the order and the augmentation depend only on (seed, epoch), so runs repeat exactly. */
export function trainBatches(ds: Dataset, batchSize: number, seed: number, augment?: Augment): BatchSource {
  return {
    batchesPerEpoch: batchCount(ds.n, batchSize),
    batches: (epoch) => batches(ds, { batchSize, shuffle: true, seed, epoch, augment }),
  };
}

/** Like trainBatches, decoding (and crop-flipping) each batch's images when it is reached. */
export function lazyTrainBatches(ds: LazyImageDataset, batchSize: number, seed: number): BatchSource {
  return {
    batchesPerEpoch: batchCount(ds.n, batchSize),
    batches: (epoch) => ds.lazyBatches({ batchSize, shuffle: true, seed, epoch }),
  };
}
