import type { Dataset } from './dataset';
import { permutation } from './permutation';
import { createRng, type Rng } from './rng';

/** What batching needs from a dataset; synthetic data need not fill in names. */
export type BatchSource = Pick<Dataset, 'n' | 'height' | 'width' | 'channels' | 'images' | 'labels'>;

/** Changes a batch in place (random crop, flip, …). `x` is `size` NHWC images in [0,1]. */
export type Augment = (x: Float32Array, size: number, height: number, width: number, channels: number, rng: Rng) => void;

export interface BatchOptions {
  batchSize: number;
  /** Default false: examples in stored order. */
  shuffle?: boolean;
  /** Default 0. The order depends only on (seed, epoch). */
  seed?: number;
  /** Default 0. */
  epoch?: number;
  /** Drop a final batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  augment?: Augment;
  /** Skip the first batches of the epoch, to resume mid-epoch with the same order. Default 0. */
  startBatch?: number;
}

export interface Batch {
  /** size·H·W·C floats, NHWC, pixel/255 in [0,1]. */
  x: Float32Array;
  y: Int32Array;
  size: number;
  /** Which dataset examples are in this batch, in order. */
  indices: Uint32Array;
}

// Keys the augmentation stream apart from the shuffle stream of the same (seed, epoch).
const AUGMENT_STREAM = 0x41554721; // "AUG!"

const PIXEL_TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export function batchCount(n: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * One epoch of batches. Each batch gets fresh arrays, so callers may keep them. The augment rng of
 * batch b depends only on (seed, epoch, b), so resuming with `startBatch` reproduces it.
 */
export function* batches(ds: BatchSource, opts: BatchOptions): Generator<Batch> {
  const { batchSize, shuffle = false, seed = 0, epoch = 0, dropLast = false, augment, startBatch = 0 } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(startBatch) || startBatch < 0) throw new Error(`batches: startBatch must be a non-negative integer, got ${startBatch}`);
  const pixels = ds.height * ds.width * ds.channels;
  if (ds.images.length !== ds.n * pixels || ds.labels.length !== ds.n) {
    throw new Error(
      `batches: dataset arrays do not match n=${ds.n} of ${ds.height}×${ds.width}×${ds.channels}: ` +
        `images has ${ds.images.length} bytes (expected ${ds.n * pixels}), labels has ${ds.labels.length}`,
    );
  }
  const order = shuffle ? permutation(ds.n, seed, epoch) : null;
  const count = batchCount(ds.n, batchSize, dropLast);
  for (let b = startBatch; b < count; b++) {
    const start = b * batchSize;
    const size = Math.min(batchSize, ds.n - start);
    const indices = new Uint32Array(size);
    const x = new Float32Array(size * pixels);
    const y = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const idx = order ? order[start + i] : start + i;
      indices[i] = idx;
      y[i] = ds.labels[idx];
      const src = idx * pixels;
      const dst = i * pixels;
      for (let p = 0; p < pixels; p++) x[dst + p] = PIXEL_TO_UNIT[ds.images[src + p]];
    }
    if (augment) augment(x, size, ds.height, ds.width, ds.channels, createRng(seed, epoch, AUGMENT_STREAM, b));
    yield { x, y, size, indices };
  }
}
