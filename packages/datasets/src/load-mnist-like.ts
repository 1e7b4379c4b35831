import type { ChecksumTable } from './checksums';
import type { Dataset } from './dataset';
import { locateMnistLike, type LocateOptions } from './locate-mnist-like';
import { MNIST_LIKE_INFO } from './mnist-like-info';
import { assertMnistLikeName, IDX_FILES, type MnistLikeName, type Split } from './mnist-like-files';
import { readIdxFile } from './read-idx-file';

export interface LoadMnistLikeOptions extends LocateOptions {
  /** Default true: check the decompressed bytes against IDX_CHECKSUMS (or `checksums`). */
  verify?: boolean;
  /** Replaces IDX_CHECKSUMS, e.g. for a private mirror or test fixtures. */
  checksums?: ChecksumTable;
  /** Keep only the first `limit` examples; the whole file is still verified. */
  limit?: number;
}

const SIDE = 28;
const NUM_CLASSES = 10;

/** Loads one split of MNIST or Fashion-MNIST as bytes (see locateMnistLike for where files come from). */
export async function loadMnistLike(name: MnistLikeName, split: Split, opts: LoadMnistLikeOptions = {}): Promise<Dataset> {
  assertMnistLikeName(name);
  if (split !== 'train' && split !== 'test') throw new Error(`unknown split "${String(split)}": expected train or test`);
  const { limit } = opts;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new Error(`limit must be a non-negative integer, got ${limit}`);
  }
  const paths = await locateMnistLike(name, split, opts);
  const files = IDX_FILES[split];
  const verify = { verify: opts.verify, checksums: opts.checksums };
  const images = await readIdxFile(paths.images, name, files.images, verify);
  const labels = await readIdxFile(paths.labels, name, files.labels, verify);

  const [n, h, w] = images.dims;
  if (images.dims.length !== 3 || h !== SIDE || w !== SIDE) {
    throw new Error(`${paths.images}: expected images of shape N×${SIDE}×${SIDE}, found ${images.dims.join('×')}`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${paths.labels}: expected a 1-D label file, found shape ${labels.dims.join('×')}`);
  }
  if (labels.dims[0] !== n) {
    throw new Error(`${paths.labels}: expected ${n} labels to match the ${n} images in ${paths.images}, found ${labels.dims[0]}`);
  }
  const bad = labels.data.findIndex((y) => y >= NUM_CLASSES);
  if (bad >= 0) {
    throw new Error(`${paths.labels}: expected labels 0 to ${NUM_CLASSES - 1}, found ${labels.data[bad]} at index ${bad}`);
  }

  const keep = limit === undefined ? n : Math.min(limit, n);
  const pixels = SIDE * SIDE;
  return {
    name,
    split,
    n: keep,
    height: SIDE,
    width: SIDE,
    channels: 1,
    numClasses: NUM_CLASSES,
    classNames: MNIST_LIKE_INFO[name].classNames,
    // slice copies, so a small `limit` does not pin the whole decompressed file in memory.
    images: keep === n ? images.data : images.data.slice(0, keep * pixels),
    labels: keep === n ? labels.data : labels.data.slice(0, keep),
  };
}
