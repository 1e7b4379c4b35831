import type { DatasetDef } from './dataset-def';
import { loadSvhn, SVHN_SPLITS, type SvhnSplit } from './load-svhn';

// Statistics: the widely quoted values (third-party, datasets.md §2.5); digits get no flip or crop.
export const SVHN_DEF: DatasetDef = {
  name: 'svhn',
  height: 32,
  width: 32,
  channels: 3,
  numClasses: 10,
  mean: [0.4377, 0.4438, 0.4728],
  std: [0.198, 0.201, 0.197],
  augment: 'none',
  splits: SVHN_SPLITS,
  load: (split, opts) => loadSvhn(split as SvhnSplit, opts),
};
