import { describe, expect, it } from 'vitest';
import { decompressChunks } from './decompress-chunks';
import { downloadFile } from './download-file';
import * as index from './index';
import { locateSource } from './locate-source';
import { readMat } from './mat5-reader';
import { readTar } from './tar-reader';
import * as testing from './testing';

// The container readers and download helpers are internal since the public index was cut down to what a user of
// the package needs (the exact list: public-api.test.ts); openTarFile is in the testing entry. The checks stand.
const api = { ...index, ...testing, readTar, readMat, decompressChunks, locateSource, downloadFile };

describe('public API: official formats', () => {
  it('exports the loaders, registry, augmentation and container readers', () => {
    const fns = ['loadCifar', 'loadSvhn', 'loadStl10', 'streamStl10Unlabeled', 'randomCropFlip', 'augmentFor', 'registerDataset', 'getDatasetDef', 'datasetNames', 'loadDataset', 'readTar', 'openTarFile', 'readMat', 'decompressChunks', 'locateSource', 'downloadFile', 'validationIndices'];
    for (const name of fns) expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    expect(api.CIFAR_SOURCES.cifar10.archive?.md5).toBe('c32a1d4ab5d03f1284b67883e8d87530');
    expect(api.CIFAR100_FINE_CLASSES).toHaveLength(100);
    expect(api.CIFAR100_COARSE_CLASSES).toHaveLength(20);
    expect(api.STL10_SOURCE.members['unlabeled_X.bin'].bytes).toBe(100_000 * 27_648);
    expect(api.SVHN_SOURCE.members['train_32x32.mat'].bytes).toBe(182_040_794);
  });
});
