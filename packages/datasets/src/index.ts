export { loadMnistLike, type LoadMnistLikeOptions } from './load-mnist-like';
export { locateMnistLike, type LocateOptions, type IdxPairPaths } from './locate-mnist-like';
export { downloadIdxFile, type DownloadOptions, type DownloadProgress } from './download-idx-file';
export { readIdxFile } from './read-idx-file';
export { findIdxFile } from './find-idx-file';
export { cacheRoot, datasetCacheDir } from './cache-dir';
export { SYSTEM_DATA_DIRS, INSTALL_HINTS } from './system-dirs';
export type { Dataset } from './dataset';
export { batches, batchCount, type Batch, type BatchOptions, type BatchSource, type Augment } from './batches';
export { permutation, PERMUTATION_STREAM } from './permutation';
export { createRng, splitmix32, xoshiro128ss, type Rng } from './rng';
export { parseIdx, encodeIdx, type IdxArray } from './idx';
export { maybeGunzip, isGzip } from './gzip';
export {
  IDX_CHECKSUMS,
  verifyRaw,
  sha256Hex,
  type ChecksumTable,
  type FileChecksum,
  type IdxChecksum,
  type VerifyOptions,
} from './checksums';
export { MNIST_LIKE_INFO, type MnistLikeInfo } from './mnist-like-info';
export {
  IDX_FILES,
  ALL_IDX_FILES,
  MNIST_LIKE_NAMES,
  assertMnistLikeName,
  type IdxFileName,
  type MnistLikeName,
  type Split,
} from './mnist-like-files';
export { DOWNLOAD_MIRRORS } from './mirrors';
