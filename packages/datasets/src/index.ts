// The public API: loaders, the dataset registry and built-in definitions, batching and augmentation, the image
// pipeline a custom `decodeImage` or view builds on, the cache location, and the published checksum tables and
// class names. The readers underneath (IDX, gzip, tar, zip, MAT v5, byte streams, downloads, checksum checks)
// are internal; fixtures and the raw readers for tests are in `@floatjs/datasets/testing`.
export { loadMnistLike, type LoadMnistLikeOptions } from './load-mnist-like';
export type { DownloadProgress } from './download-progress';
export { cacheRoot, datasetCacheDir } from './cache-dir';
export type { Dataset } from './dataset';
export { batches, batchCount, type Batch, type BatchOptions, type BatchSource, type Augment } from './batches';
export { permutation, PERMUTATION_STREAM } from './permutation';
export { createRng, type Rng } from './rng';
export { IDX_CHECKSUMS, type ChecksumTable, type FileChecksum, type IdxChecksum } from './checksums';
export { MNIST_LIKE_INFO, type MnistLikeInfo } from './mnist-like-info';
export { MNIST_LIKE_NAMES, type IdxFileName, type MnistLikeName, type Split } from './mnist-like-files';
export { decodeJpeg, type RgbImage, type DecodeJpegOptions, type ImageDecoder } from './jpeg-decode';
export { resizeBilinear, type CropBox, type ResizeOptions } from './resize';
export {
  resizeCenterCrop,
  randomResizedCropFlip,
  randomResizedCropBox,
  centerCropBox,
  shorterSideSize,
  type RandomResizedCropOptions,
} from './resize-crop';
export { loadTinyImagenet, type LoadTinyImagenetOptions, type TinyImagenetDataset, type TinyImagenetSplit } from './tiny-imagenet';
export { TINY_IMAGENET_NAME, TINY_IMAGENET_ZIP, TINY_IMAGENET_ZIP_CHECKSUM, TINY_IMAGENET_MEAN, TINY_IMAGENET_STD } from './tiny-imagenet-info';
export { tinyImagenetDataset } from './tiny-imagenet-dataset-def';
export {
  loadImagenet100,
  loadImagenet100Lazy,
  IMAGENET100_NAME,
  IMAGENET100_MEAN,
  IMAGENET100_STD,
  type LoadImagenet100Options,
  type Imagenet100Split,
} from './imagenet100';
export { IMAGENET100_CMC_WNIDS, imagenet100ClassNames, imagenetClassNames } from './imagenet100-classes';
export { imagenet100Dataset } from './imagenet100-dataset-def';
export type { LazyImageDataset, LazyImageOptions, LazyBatchOptions } from './image-folder-lazy';
export { loadCifar, CIFAR_SPLITS, type CifarSplit, type LoadCifarOptions } from './load-cifar';
export { CIFAR_SOURCES, CIFAR10_CLASSES, CIFAR100_FINE_CLASSES, CIFAR100_COARSE_CLASSES, type CifarName } from './cifar-sources';
export { loadSvhn, SVHN_SPLITS, type SvhnSplit, type LoadSvhnOptions } from './load-svhn';
export { SVHN_SOURCE, SVHN_CLASSES } from './svhn-source';
export { loadStl10, STL10_SPLITS, type Stl10Split, type LoadStl10Options } from './load-stl10';
export { streamStl10Unlabeled, type StreamStl10UnlabeledOptions, type UnlabeledChunk } from './stl10-unlabeled';
export { STL10_SOURCE, STL10_CLASSES } from './stl10-source';
export { validationIndices, type ValSplitOptions } from './validation-split';
export { randomCropFlip, augmentFor, type CropFlipOptions, type PadMode, type AugmentKind } from './augment';
export { registerDataset, getDatasetDef, datasetNames, loadDataset } from './dataset-registry';
export type { DatasetDef, DatasetLoadOptions } from './dataset-def';
export { MNIST_DEF, FASHION_MNIST_DEF } from './mnist-like-defs';
export { CIFAR10_DEF, CIFAR100_DEF } from './cifar-defs';
export { SVHN_DEF } from './svhn-def';
export { STL10_DEF } from './stl10-def';
export type { KnownFile } from './known-file';
export type { DataSource, RemoteFile, MemberInfo, SourceOptions } from './data-source';
