import { CIFAR100_DEF, CIFAR10_DEF } from './cifar-defs';
import type { DatasetDef, DatasetLoadOptions } from './dataset-def';
import type { Dataset } from './dataset';
import { FASHION_MNIST_DEF, MNIST_DEF } from './mnist-like-defs';
import { STL10_DEF } from './stl10-def';
import { SVHN_DEF } from './svhn-def';
import { tinyImagenetDataset } from './tiny-imagenet-dataset-def';
import { imagenet100Dataset } from './imagenet100-dataset-def';

/** Datasets known without registering anything. Append new built-ins at the end of this list. */
const BUILTIN_DATASETS: DatasetDef[] = [
  MNIST_DEF,
  FASHION_MNIST_DEF,
  CIFAR10_DEF,
  CIFAR100_DEF,
  SVHN_DEF,
  STL10_DEF,
  tinyImagenetDataset,
  imagenet100Dataset,
];

const registry = new Map<string, DatasetDef>();
for (const def of BUILTIN_DATASETS) registerDataset(def);

/** Adds a dataset by name; an existing name is an error unless `replace` is set. */
export function registerDataset(def: DatasetDef, opts: { replace?: boolean } = {}): void {
  const bad = checkDef(def);
  if (bad) throw new Error(`registerDataset: ${bad}`);
  if (registry.has(def.name) && !opts.replace) {
    throw new Error(`registerDataset: "${def.name}" is already registered; pass { replace: true } to replace it`);
  }
  registry.set(def.name, def);
}

/** The definition of `name`; the error lists every registered name. */
export function getDatasetDef(name: string): DatasetDef {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown dataset "${name}": expected one of ${datasetNames().join(', ')}`);
  return def;
}

/** Registered names, in registration order. */
export function datasetNames(): string[] {
  return [...registry.keys()];
}

/** Loads one split of a registered dataset; the error lists the dataset's splits. */
export function loadDataset(name: string, split: string, opts?: DatasetLoadOptions): Promise<Dataset> {
  const def = getDatasetDef(name);
  if (!def.splits.includes(split)) {
    return Promise.reject(new Error(`${name}: unknown split "${split}": expected one of ${def.splits.join(', ')}`));
  }
  return def.load(split, opts);
}

function checkDef(def: DatasetDef): string | undefined {
  if (!def || typeof def.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(def.name)) {
    return `name must be lower-case letters, digits, ".", "_" or "-", got "${String(def?.name)}"`;
  }
  for (const key of ['height', 'width', 'channels', 'numClasses'] as const) {
    if (!Number.isInteger(def[key]) || def[key] < 1) return `${def.name}: ${key} must be a positive integer, got ${def[key]}`;
  }
  if (def.mean?.length !== def.channels || def.std?.length !== def.channels) {
    return `${def.name}: mean and std need one value per channel (${def.channels})`;
  }
  if (def.augment !== 'crop-flip' && def.augment !== 'none') return `${def.name}: augment must be "crop-flip" or "none"`;
  if (!Array.isArray(def.splits) || def.splits.length === 0) return `${def.name}: splits must list at least one split`;
  if (typeof def.load !== 'function') return `${def.name}: load must be a function`;
  return undefined;
}
