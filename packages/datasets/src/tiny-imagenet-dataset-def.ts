import type { DatasetDef } from './dataset-def';
import { loadTinyImagenet, type TinyImagenetSplit } from './tiny-imagenet';
import { TINY_IMAGENET_MEAN, TINY_IMAGENET_NAME, TINY_IMAGENET_SIDE, TINY_IMAGENET_STD } from './tiny-imagenet-info';

/**
 * Tiny-ImageNet-200 for the dataset registry. `test` is the labelled val/ folder. `val` is left out
 * of `splits` on purpose: elsewhere in the registry it means a part held out of train, and here it
 * would be the test set. Training augmentation: RandomCrop(64, padding 4) + flip (datasets.md §3).
 */
export const tinyImagenetDataset: DatasetDef = {
  name: TINY_IMAGENET_NAME,
  height: TINY_IMAGENET_SIDE,
  width: TINY_IMAGENET_SIDE,
  channels: 3,
  numClasses: 200,
  mean: TINY_IMAGENET_MEAN,
  std: TINY_IMAGENET_STD,
  augment: 'crop-flip',
  splits: ['train', 'test'],
  load: (split, opts) => loadTinyImagenet(split as TinyImagenetSplit, opts),
};
