import type { AugmentKind } from './augment';
import type { SourceOptions } from './data-source';
import type { Dataset } from './dataset';
import type { ValSplitOptions } from './validation-split';

/** Options every registered loader understands; dataset-specific ones are ignored by the others. */
export interface DatasetLoadOptions extends SourceOptions {
  /** Keep only the first `limit` examples of the split. */
  limit?: number;
  /** CIFAR, SVHN: how `val` / `train-no-val` are carved out of the training file. */
  val?: ValSplitOptions;
  /** CIFAR-100: `fine` (default) or `coarse` labels. */
  labels?: 'fine' | 'coarse';
  /** STL-10 train: one of the 10 predefined folds. */
  fold?: number;
  /** MNIST / Fashion-MNIST: OS package directories searched before the cache. */
  systemDirs?: readonly string[];
}

/** A dataset by name: its shape, normalisation statistics, standard augmentation and loader. */
export interface DatasetDef {
  name: string;
  height: number;
  width: number;
  channels: number;
  /** With the default label set (CIFAR-100: fine). */
  numClasses: number;
  /** Per-channel mean/std of pixel/255 over the training set, for normalising inside the model. */
  mean: readonly number[];
  std: readonly number[];
  /** The standard training augmentation (see augmentFor). */
  augment: AugmentKind;
  splits: readonly string[];
  // Method syntax on purpose: a loader may accept a wider options type (bivariant parameters).
  load(split: string, opts?: DatasetLoadOptions): Promise<Dataset>;
}
