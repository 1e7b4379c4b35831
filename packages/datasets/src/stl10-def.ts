import type { DatasetDef } from './dataset-def';
import { loadStl10, STL10_SPLITS, type Stl10Split } from './load-stl10';

// Statistics: the most common values in indexed code (third-party, datasets.md §2.6). Crop+flip with
// pad 4 is what the reference (OAT) uses for STL-10.
export const STL10_DEF: DatasetDef = {
  name: 'stl10',
  height: 96,
  width: 96,
  channels: 3,
  numClasses: 10,
  mean: [0.4467, 0.4398, 0.4066],
  std: [0.2603, 0.2566, 0.2713],
  augment: 'crop-flip',
  splits: STL10_SPLITS,
  load: (split, opts) => loadStl10(split as Stl10Split, opts),
};
