import { statSync } from 'node:fs';
import { join } from 'node:path';
import { allocBytes } from './alloc-bytes';
import { datasetCacheDir } from './cache-dir';
import type { Dataset } from './dataset';
import { balancedSubset } from './image-folder-balanced';
import { lazyImageDataset, type LazyImageDataset, type LazyImageOptions } from './image-folder-lazy';
import { scanImageFolder } from './image-folder-scan';
import { IMAGENET100_CMC_WNIDS, imagenetClassNames } from './imagenet100-classes';
import { imagenet100Instructions } from './imagenet100-layout';
import { checkLimit } from './selection';

export const IMAGENET100_NAME = 'imagenet100';
/** ImageNet statistics of pixel/255 (CMC, MadryLab robustness), for normalising inside a model. */
export const IMAGENET100_MEAN: readonly number[] = [0.485, 0.456, 0.406];
export const IMAGENET100_STD: readonly number[] = [0.229, 0.224, 0.225];

/** `test` reads val/: ILSVRC2012's test images have no public labels. */
export type Imagenet100Split = 'train' | 'val' | 'test';

export interface LoadImagenet100Options extends LazyImageOptions {
  /** The root holding train/ and val/. Default `<cacheDir>/imagenet100`. */
  dir?: string;
  cacheDir?: string;
  /** wnids to use instead of the CMC list (any order; labels follow sorted order). */
  classes?: readonly string[];
  /** Keep the first k images (by file name) of every class, for small runs. */
  limitPerClass?: number;
  /** Keep `limit` images balanced over classes (see balancedSubset), after limitPerClass. */
  limit?: number;
}

/**
 * ImageNet-100 from an ImageFolder layout, decoded lazily: `<root>/train/<wnid>/*.JPEG` and
 * `<root>/val/<wnid>/*.JPEG`. Labels = position in the sorted wnid list, as with ImageFolder. Train
 * images get RandomResizedCrop(imageSize) + flip (seeded per seed, epoch, index) unless `augment`
 * is false; val images are resized to `resizeTo` on the shorter side and centre-cropped.
 */
export async function loadImagenet100Lazy(split: Imagenet100Split, opts: LoadImagenet100Options = {}): Promise<LazyImageDataset> {
  if (split !== 'train' && split !== 'val' && split !== 'test') {
    throw new Error(`${IMAGENET100_NAME}: unknown split "${String(split)}": expected train, val or test (test = val/)`);
  }
  const classNames = imagenetClassNames(opts.classes ?? IMAGENET100_CMC_WNIDS, opts.classes ? 'option classes' : 'IMAGENET100_CMC_WNIDS');
  const root = opts.dir ?? datasetCacheDir(IMAGENET100_NAME, opts.cacheDir);
  const folder = split === 'train' ? 'train' : 'val';
  const splitDir = join(root, folder);
  const where = opts.dir !== undefined ? `${root} (option dir)` : `${root} (the cache; pass --data-dir DIR / option dir to use another root)`;
  if (!statSync(splitDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${IMAGENET100_NAME} ${split}: ${splitDir} not found; looked in ${where}. ${imagenet100Instructions(root)}`);
  }
  checkLimit(opts.limit);
  const scan = scanImageFolder(splitDir, classNames, { limitPerClass: opts.limitPerClass });
  const { missing } = scan;
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, … (${missing.length} in all)` : '');
    throw new Error(`${IMAGENET100_NAME} ${split}: ${splitDir} lacks class folders ${shown}. ${imagenet100Instructions(root)}`);
  }
  const empty = classNames.filter((_, c) => !scan.labels.includes(c));
  if (empty.length > 0) throw new Error(`${IMAGENET100_NAME} ${split}: no images in ${empty.slice(0, 5).map((w) => join(splitDir, w)).join(', ')}`);
  const keep = opts.limit === undefined ? null : balancedSubset(scan.labels, opts.limit);
  const files = keep ? Array.from(keep, (i) => scan.files[i]) : scan.files;
  const labels = keep ? Uint8Array.from(keep, (i) => scan.labels[i]) : scan.labels;
  return lazyImageDataset({ name: IMAGENET100_NAME, split: split === 'train' ? 'train' : 'test', classNames }, files, labels, {
    ...opts,
    augment: opts.augment ?? split === 'train',
  });
}

/**
 * Decodes the whole split into memory, always with the deterministic resize + centre crop. Meant for
 * small runs (limitPerClass, small imageSize): the full train split at 224 is ~19 GB.
 */
export async function loadImagenet100(split: Imagenet100Split, opts: LoadImagenet100Options = {}): Promise<Dataset> {
  const lazy = await loadImagenet100Lazy(split, { ...opts, augment: false });
  const pixels = lazy.height * lazy.width * 3;
  let images: Uint8Array;
  try {
    images = allocBytes(lazy.n * pixels, `${IMAGENET100_NAME} ${split} at ${lazy.height}×${lazy.width}`);
  } catch (err) {
    throw new Error(`${(err as Error).message} (here: limitPerClass, a smaller imageSize, or loadImagenet100Lazy)`, { cause: err });
  }
  const CHUNK = 256;
  for (let start = 0; start < lazy.n; start += CHUNK) {
    const idx = Uint32Array.from({ length: Math.min(CHUNK, lazy.n - start) }, (_, k) => start + k);
    images.set(lazy.read(idx).images, start * pixels);
    // Let timers and I/O run during a long decode.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    name: lazy.name,
    split: lazy.split,
    n: lazy.n,
    height: lazy.height,
    width: lazy.width,
    channels: 3,
    numClasses: lazy.numClasses,
    classNames: lazy.classNames,
    images,
    labels: lazy.labels,
  };
}
