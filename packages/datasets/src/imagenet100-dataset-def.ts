import type { DatasetDef } from './dataset-def';
import type { LazyImageDataset } from './image-folder-lazy';
import {
  IMAGENET100_MEAN,
  IMAGENET100_NAME,
  IMAGENET100_STD,
  loadImagenet100,
  loadImagenet100Lazy,
  type Imagenet100Split,
  type LoadImagenet100Options,
} from './imagenet100';

/**
 * ImageNet-100 (CMC list) for the dataset registry, at the default imageSize 224 (the loaded
 * dataset's height/width follow `imageSize` when given). `load` decodes a whole split into memory
 * with the evaluation view (resize + centre crop), so it suits small runs only, to which 'crop-flip'
 * then applies as for the small sets. Full-size training goes through `loadLazy`, whose batches
 * already carry RandomResizedCrop + flip. `test` reads val/ (`val` is left out of `splits`: in the
 * registry it means a part held out of train).
 */
export const imagenet100Dataset: DatasetDef & {
  loadLazy(split: string, opts?: LoadImagenet100Options): Promise<LazyImageDataset>;
} = {
  name: IMAGENET100_NAME,
  height: 224,
  width: 224,
  channels: 3,
  numClasses: 100,
  mean: IMAGENET100_MEAN,
  std: IMAGENET100_STD,
  augment: 'crop-flip',
  splits: ['train', 'test'],
  load: (split, opts) => loadImagenet100(split as Imagenet100Split, opts),
  loadLazy: (split, opts) => loadImagenet100Lazy(split as Imagenet100Split, opts),
};
