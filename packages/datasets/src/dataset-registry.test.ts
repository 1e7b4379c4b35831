import { describe, expect, it } from 'vitest';
import { augmentFor } from './augment';
import { batches } from './batches';
import type { DatasetDef } from './dataset-def';
import { datasetNames, getDatasetDef, loadDataset, registerDataset } from './dataset-registry';
import { fixtureFiles, fixtureImages, useTempDirs, writeFiles } from './test-utils/mnist-like-fixture';
import { writeFakeCifar10, writeFakeStl10, writeFakeSvhn } from './test-utils/official-layouts';
import { expectSameBytes } from './test-utils/same-bytes';

const tempDir = useTempDirs();

describe('dataset registry', () => {
  it('knows the built-in datasets with their shapes, statistics and augmentation', () => {
    expect(datasetNames().slice(0, 6)).toEqual(['mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'svhn', 'stl10']);
    const shape = (n: string) => {
      const d = getDatasetDef(n);
      return [d.height, d.width, d.channels, d.numClasses, d.augment, d.mean.length, d.std.length];
    };
    expect(shape('mnist')).toEqual([28, 28, 1, 10, 'none', 1, 1]);
    expect(shape('cifar10')).toEqual([32, 32, 3, 10, 'crop-flip', 3, 3]);
    expect(shape('cifar100')).toEqual([32, 32, 3, 100, 'crop-flip', 3, 3]);
    expect(shape('svhn')).toEqual([32, 32, 3, 10, 'none', 3, 3]);
    expect(shape('stl10')).toEqual([96, 96, 3, 10, 'crop-flip', 3, 3]);
    expect(getDatasetDef('svhn').splits).toEqual(['train', 'test', 'extra', 'val', 'train-no-val']);
    expect(getDatasetDef('cifar10').mean).toEqual([0.4914, 0.4822, 0.4465]);
  });

  it('lists the names in unknown-name errors and the splits in unknown-split errors', async () => {
    expect(() => getDatasetDef('cifar')).toThrow(/^unknown dataset "cifar": expected one of mnist, fashion-mnist, cifar10, cifar100, svhn, stl10/);
    await expect(loadDataset('stl10', 'extra')).rejects.toThrow('stl10: unknown split "extra": expected one of train, test');
  });

  it('registers new datasets and refuses duplicates or malformed definitions', async () => {
    const def: DatasetDef = {
      name: 'toy-registry-test',
      height: 2,
      width: 2,
      channels: 1,
      numClasses: 2,
      mean: [0.5],
      std: [0.5],
      augment: 'none',
      splits: ['train'],
      load: async (split) => ({
        name: 'toy-registry-test',
        split: split as 'train',
        n: 1,
        height: 2,
        width: 2,
        channels: 1,
        numClasses: 2,
        classNames: ['a', 'b'],
        images: new Uint8Array(4),
        labels: new Uint8Array(1),
      }),
    };
    registerDataset(def);
    expect(datasetNames()).toContain('toy-registry-test');
    expect((await loadDataset('toy-registry-test', 'train')).n).toBe(1);
    expect(() => registerDataset(def)).toThrow('registerDataset: "toy-registry-test" is already registered; pass { replace: true } to replace it');
    registerDataset({ ...def, numClasses: 3 }, { replace: true });
    expect(getDatasetDef('toy-registry-test').numClasses).toBe(3);
    expect(() => registerDataset({ ...def, name: 'Bad Name' })).toThrow('registerDataset: name must be lower-case');
    expect(() => registerDataset({ ...def, name: 'x2', mean: [0.1, 0.2] })).toThrow('registerDataset: x2: mean and std need one value per channel (1)');
    expect(() => registerDataset({ ...def, name: 'x3', augment: 'rotate' as never })).toThrow('augment must be "crop-flip" or "none"');
  });

  it('loads every official-format dataset through the registry', async () => {
    const cifar = await writeFakeCifar10(await tempDir(), { train: 10, test: 2, layout: 'archive' });
    const c = await loadDataset('cifar10', 'train-no-val', { dir: cifar.dir, verify: false, val: { size: 2 } });
    expectSameBytes(c.images, cifar.expected.train.images.subarray(0, 8 * 3072));
    const svhn = await writeFakeSvhn(await tempDir(), { train: 4, test: 2 });
    expect((await loadDataset('svhn', 'test', { dir: svhn.dir, verify: false })).labels).toEqual(svhn.expected.test.labels);
    const stl = await writeFakeStl10(await tempDir(), { train: 3, test: 2 });
    expect((await loadDataset('stl10', 'test', { dir: stl.dir, verify: false })).labels).toEqual(stl.expected.test.labels);
    const mnistDir = await tempDir();
    await writeFiles(mnistDir, fixtureFiles(6, 4), { gzip: true });
    const m = await loadDataset('mnist', 'train', { dir: mnistDir, verify: false, limit: 5 });
    expect(m.images).toEqual(fixtureImages(5));
  });

  it('pairs with the standard augmentation of the definition', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2 });
    const def = getDatasetDef('cifar10');
    const ds = await def.load('test', { dir: fake.dir, verify: false });
    const [b] = [...batches(ds, { batchSize: 2, seed: 1, augment: augmentFor(def.augment) })];
    expect(b.x.length).toBe(2 * 32 * 32 * 3);
    expect(augmentFor(getDatasetDef('svhn').augment)).toBeUndefined();
  });
});
