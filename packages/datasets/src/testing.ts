/**
 * Writers of small stand-in files in each official layout (CIFAR tar.gz, SVHN MAT v5, STL-10 binary,
 * Tiny-ImageNet zip of JPEGs, an ImageNet folder), for tests of code that reads datasets. Load them with
 * `verify: false`: their checksums are not the official ones.
 */
export { writeFakeCifar10, writeFakeCifar100, writeFakeSvhn, writeFakeStl10, type FakeCifarOptions, type FakeSvhnOptions, type FakeStl10Options } from './test-utils/official-layouts';
export { writeFakeTinyImagenet, FAKE_TINY_CLASSES, type FakeTinyImagenetOptions } from './test-utils/tiny-imagenet-fixture';
export { writeFakeImagenetFolder, FAKE_IMAGENET_CLASSES, type FakeImagenetFolderOptions } from './test-utils/imagenet-folder-fixture';
