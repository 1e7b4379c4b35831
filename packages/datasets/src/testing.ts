/**
 * Writers of small stand-in files in each official layout (CIFAR tar.gz, SVHN MAT v5, STL-10 binary,
 * Tiny-ImageNet zip of JPEGs, an ImageNet folder), for tests of code that reads datasets. Load them with
 * `verify: false`: their checksums are not the official ones.
 */
export { writeFakeCifar10, writeFakeCifar100, writeFakeSvhn, writeFakeStl10, type FakeCifarOptions, type FakeSvhnOptions, type FakeStl10Options } from './test-utils/official-layouts';
export { writeFakeTinyImagenet, FAKE_TINY_CLASSES, type FakeTinyImagenetOptions } from './test-utils/tiny-imagenet-fixture';
export { writeFakeImagenetFolder, FAKE_IMAGENET_CLASSES, type FakeImagenetFolderOptions } from './test-utils/imagenet-folder-fixture';

/**
 * An IDX writer for MNIST-like stand-ins, and the raw readers under the loaders, for tests that feed them hostile
 * bytes (eval's hostile-input suite). Internals of the loaders: not a stable API.
 */
export { parseIdx, encodeIdx, type IdxArray } from './idx';
export { gunzipIdx } from './idx-gunzip';
export { openZip, type ZipArchive, type ZipOptions } from './zip-reader';
export type { ZipEntry } from './zip-central-directory';
export { openTarFile, type TarFile } from './tar-file';
