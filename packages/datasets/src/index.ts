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
export { createRng, type Rng } from './rng';
export { parseIdx, encodeIdx, type IdxArray } from './idx';
export { maybeGunzip, isGzip, gunzipHead, DEFAULT_MAX_GUNZIP_BYTES } from './gzip';
export { gunzipIdx, MAX_IDX_BYTES } from './idx-gunzip';
export { readDataFile } from './read-data-file';
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
export { openZip, openZipBytes, type ZipArchive, type ZipOptions } from './zip-reader';
export type { ZipEntry } from './zip-central-directory';
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
export { locateTinyImagenet, verifyTinyImagenetZip, type TinyImagenetLocation } from './tiny-imagenet-locate';
export {
  TINY_IMAGENET_NAME,
  TINY_IMAGENET_ZIP,
  TINY_IMAGENET_URLS,
  TINY_IMAGENET_ZIP_CHECKSUM,
  TINY_IMAGENET_MEAN,
  TINY_IMAGENET_STD,
} from './tiny-imagenet-info';
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
export { lazyImageDataset, type LazyImageDataset, type LazyImageOptions, type LazyBatchOptions } from './image-folder-lazy';
export { scanImageFolder, type ImageFolderFiles, type ImageFolderScanOptions } from './image-folder-scan';
export { balancedSubset } from './image-folder-balanced';
export { loadCifar, CIFAR_SPLITS, type CifarSplit, type LoadCifarOptions } from './load-cifar';
export {
  CIFAR_SOURCES,
  CIFAR_TRAIN_FILES,
  CIFAR_TEST_FILES,
  CIFAR10_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR100_COARSE_CLASSES,
  type CifarName,
} from './cifar-sources';
export { loadSvhn, SVHN_SPLITS, type SvhnSplit, type LoadSvhnOptions } from './load-svhn';
export { SVHN_SOURCE, SVHN_CLASSES } from './svhn-source';
export { loadStl10, STL10_SPLITS, type Stl10Split, type LoadStl10Options } from './load-stl10';
export { streamStl10Unlabeled, type StreamStl10UnlabeledOptions, type UnlabeledChunk } from './stl10-unlabeled';
export { STL10_SOURCE, STL10_CLASSES } from './stl10-source';
export { readStl10Folds } from './stl10-folds';
export { validationIndices, heldOutSelection, type ValSplitOptions, type HeldOutPart } from './validation-split';
export { Selection } from './selection';
export { randomCropFlip, augmentFor, type CropFlipOptions, type PadMode, type AugmentKind } from './augment';
export { registerDataset, getDatasetDef, datasetNames, loadDataset } from './dataset-registry';
export type { DatasetDef, DatasetLoadOptions } from './dataset-def';
export { MNIST_DEF, FASHION_MNIST_DEF } from './mnist-like-defs';
export { CIFAR10_DEF, CIFAR100_DEF } from './cifar-defs';
export { SVHN_DEF } from './svhn-def';
export { STL10_DEF } from './stl10-def';
export { readTar, type TarEntry, type TarEntryType, type ReadTarOptions } from './tar-reader';
export { openTarFile, type TarFile } from './tar-file';
export { ByteReader } from './byte-reader';
export { decompressChunks, type CompressedFormat } from './decompress-chunks';
export { fileChunks } from './file-chunks';
export { readMat, type MatVariable, type ReadMatOptions } from './mat5-reader';
export { planarToHwc } from './planar-images';
export { allocBytes } from './alloc-bytes';
export { type KnownFile, FileHasher, checkFileSize, describeKnownFile } from './known-file';
export { knownFile, type DataSource, type RemoteFile, type MemberInfo, type SourceOptions } from './data-source';
export { locateSource, type LocatedSource } from './locate-source';
export { readMembers, type Member } from './read-members';
export { openMemberStream, type MemberStream } from './open-member-stream';
export { downloadFile, type DownloadFileOptions } from './download-file';
export { fetchToPart } from './fetch-to-part';
