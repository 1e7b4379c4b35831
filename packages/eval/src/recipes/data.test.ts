import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGENET100_CMC_WNIDS, loadMnistLike, registerDataset, type Batch, type DatasetDef, type DatasetLoadOptions } from '@floatjs/datasets';
import { writeFakeCifar10, writeFakeImagenetFolder, writeFakeSvhn } from '@floatjs/datasets/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { LAZY_SPLIT_DEFAULT_LIMIT, loadSplit, loadTrainData, type TrainData } from './data';
import { getPreset, type Preset } from './presets';
import { writeTinyDataset } from '../test-utils/tiny-dataset';

const root = mkdtempSync(join(tmpdir(), 'floatjs-eval-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const withDataset = (dataset: string, extra: Partial<Preset> = {}): Preset => ({ ...getPreset('fmnist-quick'), name: `data-test-${dataset}`, dataset, trainLimit: undefined, testLimit: undefined, ...extra });
// The engine's BatchSource type drops `indices`; the datasets' batches carry them.
const epoch = (td: TrainData, e: number) => [...td.batches.batches(e)] as Batch[];

/** Searches the pad-4 zero-padded crop offsets and the flip that turn `src` (HWC bytes) into `out` (HWC floats). */
function cropFlipOf(src: Uint8Array, out: Float32Array, side: number, channels: number): { dy: number; dx: number; flip: boolean } | null {
  for (let dy = 0; dy <= 8; dy++) {
    for (let dx = 0; dx <= 8; dx++) {
      for (const flip of [false, true]) {
        let same = true;
        for (let i = 0; i < side && same; i++) {
          for (let j = 0; j < side && same; j++) {
            const r = i + dy - 4;
            const c = (flip ? side - 1 - j : j) + dx - 4;
            for (let ch = 0; ch < channels; ch++) {
              const want = r < 0 || r >= side || c < 0 || c >= side ? 0 : src[(r * side + c) * channels + ch] / 255;
              if (out[(i * side + j) * channels + ch] !== Math.fround(want)) same = false;
            }
          }
        }
        if (same) return { dy, dx, flip };
      }
    }
  }
  return null;
}

describe('loadSplit / loadTrainData through the dataset registry', () => {
  it('Fashion-MNIST: the same bytes as loadMnistLike, batches unaugmented (fmnist-quick has no augmentation)', async () => {
    const dir = writeTinyDataset(24, 10);
    try {
      const preset = withDataset('fashion-mnist', { trainLimit: 20 });
      const direct = await loadMnistLike('fashion-mnist', 'train', { dir, verify: false, limit: 20 });
      expect(await loadSplit(preset, 'train', { dataDir: dir, verify: false })).toEqual(direct);
      expect((await loadSplit(preset, 'test', { dataDir: dir, verify: false }, 7)).n).toBe(7);
      const td = await loadTrainData(preset, { dataDir: dir, verify: false }, { limit: 20, batchSize: 8, seed: 3 });
      expect(td).toMatchObject({ n: 20, height: 28, width: 28, channels: 1, numClasses: 10, augment: 'none' });
      for (const b of epoch(td, 0)) {
        b.indices.forEach((idx, k) => {
          const img = direct.images.subarray(idx * 784, (idx + 1) * 784);
          expect(b.x.subarray(k * 784, (k + 1) * 784)).toEqual(Float32Array.from(img, (v) => v / 255));
        });
      }
      // The official sizes and hashes are still checked by default: the tiny files are not the official ones.
      await expect(loadSplit(preset, 'train', { dataDir: dir })).rejects.toThrow(/wrong size for fashion-mnist train-images-idx3-ubyte.*pass verify: false/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CIFAR-10: every training image is a pad-4 random crop, maybe flipped, of its stored image; seeded by (seed, epoch)', async () => {
    const fake = await writeFakeCifar10(join(root, 'cifar10'), { train: 20, test: 5, layout: 'archive' });
    const preset = withDataset('cifar10');
    const opts = { dataDir: fake.dir, verify: false };
    const td = await loadTrainData(preset, opts, { batchSize: 6, seed: 9 });
    expect(td).toMatchObject({ n: 20, height: 32, width: 32, channels: 3, numClasses: 10, augment: 'crop-flip' });
    expect(td.batches.batchesPerEpoch).toBe(4);
    const e0 = epoch(td, 0);
    const moves: string[] = [];
    for (const b of e0) {
      b.indices.forEach((idx, k) => {
        expect(b.y[k]).toBe(fake.expected.train.labels[idx]);
        const t = cropFlipOf(fake.expected.train.images.subarray(idx * 3072, (idx + 1) * 3072), b.x.subarray(k * 3072, (k + 1) * 3072), 32, 3);
        expect(t, `image ${idx}`).not.toBeNull();
        moves.push(JSON.stringify(t));
      });
    }
    expect(moves).toHaveLength(20);
    expect(new Set(moves).size).toBeGreaterThan(10);
    // Same (seed, epoch): the same batches (what resume relies on); next epoch: another order and other crops.
    expect(epoch(await loadTrainData(preset, opts, { batchSize: 6, seed: 9 }), 0)).toEqual(e0);
    expect(epoch(td, 1)).not.toEqual(e0);
    expect((await loadSplit(preset, 'test', opts)).n).toBe(5);
  });

  it('SVHN: no augmentation (digits), as the registry defines', async () => {
    const fake = await writeFakeSvhn(join(root, 'svhn'), { train: 4, test: 2 });
    const td = await loadTrainData(withDataset('svhn'), { dataDir: fake.dir, verify: false }, { batchSize: 4, seed: 1 });
    expect(td.augment).toBe('none');
    const [b] = epoch(td, 0);
    b.indices.forEach((idx, k) => expect(b.x.subarray(k * 3072, (k + 1) * 3072)).toEqual(Float32Array.from(fake.expected.train.images.subarray(idx * 3072, (idx + 1) * 3072), (v) => v / 255)));
  });

  it('ImageNet-100: training decodes lazily with RandomResizedCrop + flip; a limit keeps a class-balanced subset', async () => {
    const fake = await writeFakeImagenetFolder(join(root, 'imagenet'), { classes: IMAGENET100_CMC_WNIDS, trainPerClass: 2, valPerClass: 1, size: () => [30, 40] });
    const preset = withDataset('imagenet100');
    const opts = { dataDir: fake.root };
    const td = await loadTrainData(preset, opts, { limit: 4, batchSize: 3, seed: 5 });
    expect(td).toMatchObject({ n: 4, height: 224, width: 224, channels: 3, numClasses: 100, augment: 'random-resized-crop-flip' });
    const e0 = epoch(td, 0);
    expect(e0.map((b) => b.size)).toEqual([3, 1]);
    expect(new Set(e0.flatMap((b) => [...b.y])).size).toBe(4);
    for (const b of e0) {
      expect(b.x).toHaveLength(b.size * 224 * 224 * 3);
      expect(b.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(epoch(await loadTrainData(preset, opts, { limit: 4, batchSize: 3, seed: 5 }), 0)).toEqual(e0);
    const test = await loadSplit(preset, 'test', opts, 10);
    expect(test).toMatchObject({ n: 10, height: 224, width: 224, numClasses: 100 });
    expect(new Set(test.labels).size).toBe(10);
  });

  it('caps the in-memory split of a lazily read dataset at LAZY_SPLIT_DEFAULT_LIMIT unless a limit is given', async () => {
    const seen: Array<{ split: string; limit?: number; lazy: boolean }> = [];
    const shape = { n: 0, height: 2, width: 2, channels: 3, numClasses: 2, classNames: ['a', 'b'], labels: new Uint8Array(0) };
    const def: DatasetDef & { loadLazy(split: string, opts?: DatasetLoadOptions): Promise<never> } = {
      name: 'eval-data-test-lazy',
      height: 2,
      width: 2,
      channels: 3,
      numClasses: 2,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      augment: 'crop-flip',
      splits: ['train', 'test'],
      load: async (split, o) => {
        seen.push({ split, limit: o?.limit, lazy: false });
        return { ...shape, name: 'eval-data-test-lazy', split, images: new Uint8Array(0) };
      },
      loadLazy: async (split, o) => {
        seen.push({ split, limit: o?.limit, lazy: true });
        throw new Error('lazy load reached');
      },
    };
    registerDataset(def);
    const preset = withDataset(def.name);
    await loadSplit(preset, 'test', {});
    await loadSplit(preset, 'test', {}, 12);
    await loadSplit({ ...preset, testLimit: 30 }, 'test', {});
    await expect(loadTrainData(preset, {}, { limit: 8, batchSize: 2, seed: 1 })).rejects.toThrow('lazy load reached');
    expect(seen).toEqual([
      { split: 'test', limit: LAZY_SPLIT_DEFAULT_LIMIT, lazy: false },
      { split: 'test', limit: 12, lazy: false },
      { split: 'test', limit: 30, lazy: false },
      { split: 'train', limit: 8, lazy: true },
    ]);
  });
});
