import { readFileSync } from 'node:fs';
import type { Batch, BatchOptions } from './batches';
import type { Dataset } from './dataset';
import { decodeJpeg, type DecodeJpegOptions, type ImageDecoder } from './jpeg-decode';
import { permutation } from './permutation';
import { randomResizedCropFlip, resizeCenterCrop, type RandomResizedCropOptions } from './resize-crop';
import { createRng } from './rng';

/** Batching options of `batches()`, minus `augment`: the crop/flip happens per image at decode time. */
export type LazyBatchOptions = Omit<BatchOptions, 'augment'>;

/**
 * A dataset too big to hold decoded (ImageNet-100: 126k images at 224×224 ≈ 19 GB). Metadata and
 * labels are in memory; pixels are read, decoded and cropped on demand. The images of `read` and
 * the batches are imageSize×imageSize×3, like an in-memory Dataset.
 */
export interface LazyImageDataset extends Omit<Dataset, 'images'> {
  /** Example i's image file. */
  files: readonly string[];
  /** True: RandomResizedCrop + flip per (seed, epoch, index); false: resize + centre crop. */
  augment: boolean;
  /** Decodes `indices` (synchronously) into NHWC bytes and their labels. */
  read(indices: ArrayLike<number>, opts?: { seed?: number; epoch?: number }): { images: Uint8Array; labels: Uint8Array };
  /** One epoch of batches with the same shape and order rules as `batches()`. */
  lazyBatches(opts: LazyBatchOptions): Generator<Batch>;
}

export interface LazyImageOptions {
  /** Output side. Default 224. */
  imageSize?: number;
  /** Shorter side before the evaluation centre crop. Default round(imageSize·256/224) (256 at 224). */
  resizeTo?: number;
  augment?: boolean;
  /** RandomResizedCrop ranges; default scale (0.08, 1), ratio (3/4, 4/3). */
  crop?: RandomResizedCropOptions;
  decode?: DecodeJpegOptions;
  /** Replaces the JPEG decoder, e.g. to read PNGs or to use sharp. */
  decodeImage?: ImageDecoder;
}

// Keys the per-image crop/flip stream apart from the shuffle stream of the same (seed, epoch).
const CROP_STREAM = 0x52524321; // "RRC!"

export function lazyImageDataset(
  meta: Pick<Dataset, 'name' | 'split' | 'classNames'>,
  files: readonly string[],
  labels: Uint8Array,
  opts: LazyImageOptions = {},
): LazyImageDataset {
  const size = opts.imageSize ?? 224;
  if (!Number.isInteger(size) || size < 1) throw new Error(`imageSize must be a positive integer, got ${size}`);
  const resizeTo = opts.resizeTo ?? Math.round((size * 256) / 224);
  if (!Number.isInteger(resizeTo) || resizeTo < size) throw new Error(`resizeTo must be an integer ≥ imageSize ${size}, got ${resizeTo}`);
  if (files.length !== labels.length) throw new Error(`lazyImageDataset: ${files.length} files but ${labels.length} labels`);
  const augment = opts.augment ?? false;
  const decode: ImageDecoder = opts.decodeImage ?? ((bytes, source) => decodeJpeg(bytes, source, opts.decode));
  const n = files.length;
  const pixels = size * size * 3;

  const read: LazyImageDataset['read'] = (indices, ro = {}) => {
    const seed = ro.seed ?? 0;
    const epoch = ro.epoch ?? 0;
    const images = new Uint8Array(indices.length * pixels);
    const out = new Uint8Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const idx = indices[k];
      if (!Number.isInteger(idx) || idx < 0 || idx >= n) throw new Error(`${meta.name} ${meta.split}: index ${idx} is outside 0..${n - 1}`);
      const path = files[idx];
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        throw new Error(`${path}: cannot read (${(err as Error).message})`, { cause: err });
      }
      const img = decode(bytes, path);
      const view = augment ? randomResizedCropFlip(img, size, createRng(seed, epoch, CROP_STREAM, idx), opts.crop) : resizeCenterCrop(img, size, resizeTo);
      images.set(view, k * pixels);
      out[k] = labels[idx];
    }
    return { images, labels: out };
  };

  function* lazyBatches(bo: LazyBatchOptions): Generator<Batch> {
    const { batchSize, shuffle = false, seed = 0, epoch = 0, dropLast = false, startBatch = 0 } = bo;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`lazyBatches: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(startBatch) || startBatch < 0) throw new Error(`lazyBatches: startBatch must be a non-negative integer, got ${startBatch}`);
    const order = shuffle ? permutation(n, seed, epoch) : null;
    const count = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    for (let b = startBatch; b < count; b++) {
      const start = b * batchSize;
      const size = Math.min(batchSize, n - start);
      const indices = new Uint32Array(size);
      for (let i = 0; i < size; i++) indices[i] = order ? order[start + i] : start + i;
      const { images, labels: y8 } = read(indices, { seed, epoch });
      const x = new Float32Array(images.length);
      for (let p = 0; p < images.length; p++) x[p] = images[p] / 255;
      yield { x, y: Int32Array.from(y8), size, indices };
    }
  }

  return {
    ...meta,
    n,
    height: size,
    width: size,
    channels: 3,
    numClasses: meta.classNames.length,
    labels,
    files,
    augment,
    read,
    lazyBatches,
  };
}
