import { describe, expect, it } from 'vitest';
import { getDatasetDef, loadDataset } from './dataset-registry';
import * as api from './index';
import { FAKE_IMAGENET_CLASSES, writeFakeImagenetFolder } from './test-utils/imagenet-folder-fixture';
import { useTempDirs } from './test-utils/mnist-like-fixture';

const tempDir = useTempDirs();

describe('imagenet100Dataset (registry entry)', () => {
  it('describes the set and loads eagerly or lazily through the public API', async () => {
    const def = api.imagenet100Dataset;
    expect(getDatasetDef('imagenet100')).toBe(def);
    expect([def.name, def.height, def.width, def.channels, def.numClasses, def.augment]).toEqual(['imagenet100', 224, 224, 3, 100, 'crop-flip']);
    expect(def.mean).toEqual([0.485, 0.456, 0.406]);
    expect(def.std).toEqual([0.229, 0.224, 0.225]);
    expect(def.splits).toEqual(['train', 'test']);
    const f = await writeFakeImagenetFolder(await tempDir(), { trainPerClass: 2, valPerClass: 1 });
    const opts = { dir: f.root, classes: FAKE_IMAGENET_CLASSES, imageSize: 8 };
    const test = await loadDataset('imagenet100', 'test', opts);
    expect([test.n, test.height, test.width, test.images.length]).toEqual([4, 8, 8, 4 * 8 * 8 * 3]);
    expect(Array.from(test.labels)).toEqual(f.val.map((e) => e.label));
    const lazy = await def.loadLazy('train', opts);
    expect([lazy.n, lazy.augment]).toEqual([8, true]);
    const [batch] = lazy.lazyBatches({ batchSize: 8, shuffle: true, seed: 1 });
    expect(batch.x.length).toBe(8 * 8 * 8 * 3);
  });
});
