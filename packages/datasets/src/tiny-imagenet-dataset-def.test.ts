import { describe, expect, it } from 'vitest';
import { getDatasetDef, loadDataset } from './dataset-registry';
import * as api from './index';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { writeFakeTinyImagenet } from './test-utils/tiny-imagenet-fixture';

const tempDir = useTempDirs();

describe('tinyImagenetDataset (registry entry)', () => {
  it('is registered, describes the set and loads train and test (= val/)', async () => {
    const def = api.tinyImagenetDataset;
    expect(getDatasetDef('tiny-imagenet-200')).toBe(def);
    expect([def.name, def.height, def.width, def.channels, def.numClasses, def.augment]).toEqual(['tiny-imagenet-200', 64, 64, 3, 200, 'crop-flip']);
    expect(def.mean).toEqual([0.4802, 0.4481, 0.3975]);
    expect(def.std).toEqual([0.2302, 0.2265, 0.2262]);
    expect(def.splits).toEqual(['train', 'test']);
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir, { perClass: 2, valPerClass: 1 });
    const opts = { dir, checksums: { [api.TINY_IMAGENET_ZIP]: fake.checksum } };
    const test = await loadDataset('tiny-imagenet-200', 'test', opts);
    expect([test.split, test.n, test.numClasses]).toEqual(['test', 5, 5]);
    expect(Array.from(test.labels)).toEqual(Array.from(fake.expected.val.labels));
    const train = await def.load('train', opts);
    expect(Array.from(train.labels)).toEqual(Array.from(fake.expected.train.labels));
  });
});
