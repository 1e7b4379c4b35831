import type { DatasetDef } from './dataset-def';
import { CIFAR_SPLITS, loadCifar, type CifarSplit } from './load-cifar';

// Statistics: datasets.md §3 (locuslab/robust_overfitting; CIFAR-10 std is the true per-pixel std,
// not the often copied 0.2023/0.1994/0.2010).
export const CIFAR10_DEF: DatasetDef = {
  name: 'cifar10',
  height: 32,
  width: 32,
  channels: 3,
  numClasses: 10,
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2471, 0.2435, 0.2616],
  augment: 'crop-flip',
  splits: CIFAR_SPLITS,
  load: (split, opts) => loadCifar('cifar10', split as CifarSplit, opts),
};

export const CIFAR100_DEF: DatasetDef = {
  name: 'cifar100',
  height: 32,
  width: 32,
  channels: 3,
  numClasses: 100,
  mean: [0.5071, 0.4865, 0.4409],
  std: [0.2673, 0.2564, 0.2762],
  augment: 'crop-flip',
  splits: CIFAR_SPLITS,
  load: (split, opts) => loadCifar('cifar100', split as CifarSplit, opts),
};
