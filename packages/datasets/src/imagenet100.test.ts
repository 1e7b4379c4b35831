import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchCount } from './batches';
import { loadImagenet100, loadImagenet100Lazy } from './imagenet100';
import { FAKE_IMAGENET_CLASSES, writeFakeImagenetFolder, type FakeImagenetFolder } from './test-utils/imagenet-folder-fixture';
import { useTempDirs } from './test-utils/mnist-like-fixture';

const tempDir = useTempDirs();
const S = 16;

async function fixture(opts: Parameters<typeof writeFakeImagenetFolder>[1] = {}): Promise<FakeImagenetFolder> {
  return writeFakeImagenetFolder(await tempDir(), opts);
}

const base = (f: FakeImagenetFolder) => ({ dir: f.root, classes: FAKE_IMAGENET_CLASSES, imageSize: S });

describe('ImageNet-100 (lazy ImageFolder)', () => {
  it('lists files class by class with labels in sorted wnid order, ignoring unlisted folders', async () => {
    const f = await fixture();
    const ds = await loadImagenet100Lazy('train', base(f));
    expect(ds.classNames).toEqual([...FAKE_IMAGENET_CLASSES].sort());
    expect(ds.classNames).not.toEqual(FAKE_IMAGENET_CLASSES);
    expect([ds.name, ds.split, ds.n, ds.height, ds.width, ds.channels, ds.numClasses, ds.augment]).toEqual(['imagenet100', 'train', 12, S, S, 3, 4, true]);
    expect(ds.files).toEqual(f.train.map((e) => e.file));
    expect(Array.from(ds.labels)).toEqual(f.train.map((e) => e.label));
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    const val = await loadImagenet100Lazy('val', base(f));
    expect([val.split, val.n, val.augment]).toEqual(['test', 8, false]);
    expect((await loadImagenet100Lazy('test', base(f))).files).toEqual(val.files);
  });

  it('evaluation view: shorter side to resizeTo, then the centre crop (checked on known pixels)', async () => {
    // 24×40 images, imageSize 24 and resizeTo 24: no resampling, so the output is columns 8..31.
    const f = await fixture({ size: () => [24, 40] });
    const ds = await loadImagenet100Lazy('val', { ...base(f), imageSize: 24, resizeTo: 24 });
    const { images, labels } = ds.read([0, 5]);
    expect(Array.from(labels)).toEqual([f.val[0].label, f.val[5].label]);
    for (const [k, idx] of [0, 5].entries()) {
      const src = f.val[idx].rgb;
      let err = 0;
      for (let y = 0; y < 24; y++) {
        for (let x = 0; x < 24; x++) for (let c = 0; c < 3; c++) err = Math.max(err, Math.abs(images[k * 24 * 24 * 3 + (y * 24 + x) * 3 + c] - src[(y * 40 + x + 8) * 3 + c]));
      }
      expect(err).toBeLessThanOrEqual(3);
    }
  });

  it('decodes the grayscale and CMYK files, and the default resize keeps a constant image constant', async () => {
    const f = await fixture();
    const ds = await loadImagenet100Lazy('train', { ...base(f), augment: false });
    const gi = ds.files.indexOf(f.grayscaleFile);
    const ci = ds.files.indexOf(f.cmykFile);
    const { images } = ds.read([gi, ci]);
    const px = S * S;
    for (let p = 0; p < px; p++) {
      expect(images[p * 3]).toBe(images[p * 3 + 1]);
      expect(images[p * 3]).toBe(images[p * 3 + 2]);
      expect(Array.from(images.subarray((px + p) * 3, (px + p) * 3 + 3))).toEqual([200, 120, 40]);
    }
  });

  it('lazy batches: shapes, labels, one pass over every example, deterministic in (seed, epoch)', async () => {
    const f = await fixture();
    const ds = await loadImagenet100Lazy('train', base(f));
    const run = (seed: number, epoch: number, extra = {}) => [...ds.lazyBatches({ batchSize: 5, shuffle: true, seed, epoch, ...extra })];
    const a = run(7, 0);
    expect(a.map((b) => b.size)).toEqual([5, 5, 2]);
    expect(a.length).toBe(batchCount(12, 5));
    const seen = a.flatMap((b) => Array.from(b.indices)).sort((x, y) => x - y);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const b of a) {
      expect(b.x).toBeInstanceOf(Float32Array);
      expect(b.x.length).toBe(b.size * S * S * 3);
      expect(Array.from(b.y)).toEqual(Array.from(b.indices, (i) => ds.labels[i]));
      expect(b.x.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    const again = run(7, 0);
    expect(again.map((b) => Array.from(b.indices))).toEqual(a.map((b) => Array.from(b.indices)));
    again.forEach((b, i) => expect(b.x).toEqual(a[i].x));
    expect(run(8, 0).map((b) => Array.from(b.indices))).not.toEqual(a.map((b) => Array.from(b.indices)));
    // Resuming mid-epoch reproduces the remaining batches exactly.
    const resumed = run(7, 0, { startBatch: 1 });
    expect(resumed.map((b) => Array.from(b.indices))).toEqual(a.slice(1).map((b) => Array.from(b.indices)));
    resumed.forEach((b, i) => expect(b.x).toEqual(a[i + 1].x));
    expect(run(7, 0, { dropLast: true }).map((b) => b.size)).toEqual([5, 5]);
    expect(() => run(7, 0, { batchSize: 0 })).toThrow('lazyBatches: batchSize must be a positive integer, got 0');
  });

  it('augmentation depends only on (seed, epoch, index), not on the batch an image lands in', async () => {
    const f = await fixture();
    const ds = await loadImagenet100Lazy('train', base(f));
    const one = ds.read([4], { seed: 3, epoch: 1 }).images;
    const inBatch = ds.read([9, 4, 0], { seed: 3, epoch: 1 }).images.subarray(S * S * 3, 2 * S * S * 3);
    expect(inBatch).toEqual(one);
    const epochs = [0, 1, 2, 3].map((epoch) => ds.read([4], { seed: 3, epoch }).images);
    expect(new Set(epochs.map((e) => e.join(','))).size).toBeGreaterThan(1);
    const plain = await loadImagenet100Lazy('train', { ...base(f), augment: false });
    expect(plain.read([4], { seed: 3, epoch: 0 }).images).toEqual(plain.read([4], { seed: 9, epoch: 5 }).images);
    // Unshuffled batches follow stored order.
    const first = plain.lazyBatches({ batchSize: 4 }).next().value!;
    expect(Array.from(first.indices)).toEqual([0, 1, 2, 3]);
  });

  it('limitPerClass keeps the first files of every class; limit a balanced subset', async () => {
    const f = await fixture();
    const ds = await loadImagenet100Lazy('train', { ...base(f), limitPerClass: 2 });
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(ds.files).toEqual(f.train.filter((_, i) => i % 3 !== 2).map((e) => e.file));
    await expect(loadImagenet100Lazy('train', { ...base(f), limitPerClass: 0 })).rejects.toThrow('limitPerClass must be a positive integer, got 0');
    const limited = await loadImagenet100Lazy('train', { ...base(f), limit: 6 });
    expect(Array.from(limited.labels)).toEqual([0, 0, 1, 1, 2, 3]);
    expect(limited.files).toEqual([0, 1, 3, 4, 6, 9].map((i) => f.train[i].file));
    await expect(loadImagenet100Lazy('train', { ...base(f), limit: 1.5 })).rejects.toThrow('limit must be a non-negative integer, got 1.5');
  });

  it('loads a small split into memory with the evaluation view', async () => {
    const f = await fixture();
    const lazy = await loadImagenet100Lazy('val', base(f));
    const ds = await loadImagenet100('val', base(f));
    expect([ds.n, ds.height, ds.width, ds.channels, ds.numClasses, ds.split]).toEqual([8, S, S, 3, 4, 'test']);
    expect(ds.images).toEqual(lazy.read(Array.from({ length: 8 }, (_, i) => i)).images);
    expect(ds.labels).toEqual(lazy.labels);
    const train = await loadImagenet100('train', base(f));
    const trainPlain = await loadImagenet100Lazy('train', { ...base(f), augment: false });
    expect(train.images.subarray(0, S * S * 3)).toEqual(trainPlain.read([0]).images);
  });

  it('explains how to get ILSVRC2012 when the folders are missing', async () => {
    const f = await fixture();
    // The default CMC list: the fixture has only 4 of the 100 class folders.
    await expect(loadImagenet100Lazy('train', { dir: f.root })).rejects.toThrow(
      new RegExp(`imagenet100 train: ${f.root}/train lacks class folders n01558993, n01692333, n01729322, n01735189, n01773797, … \\(96 in all\\)\\. ImageNet-100 has no public download`),
    );
    const empty = await tempDir();
    await expect(loadImagenet100Lazy('val', { dir: empty })).rejects.toThrow(`imagenet100 val: ${empty}/val not found; looked in ${empty} (option dir). ImageNet-100 has no public download`);
    await expect(loadImagenet100Lazy('val', { dir: empty })).rejects.toThrow('ILSVRC2012_img_train.tar (147,897,477,120 bytes, md5 1d675b47d978889d74fa0da5fadfb00e)');
    await expect(loadImagenet100Lazy('val', { cacheDir: empty })).rejects.toThrow(`${join(empty, 'imagenet100')}/val not found`);
    await expect(loadImagenet100Lazy('val', { dir: f.root, classes: ['n1'] })).rejects.toThrow('option classes: "n1" is not a wnid');
  });

  it('names the file for a PNG behind a .JPEG name; a decodeImage option can take over', async () => {
    const f = await fixture();
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    await writeFile(f.val[1].file, png);
    const ds = await loadImagenet100Lazy('val', base(f));
    expect(() => ds.read([1])).toThrow(`${f.val[1].file}: is a PNG file, not a JPEG`);
    const seen: string[] = [];
    const custom = await loadImagenet100Lazy('val', {
      ...base(f),
      decodeImage: (_bytes, source) => (seen.push(source), { width: 4, height: 4, data: new Uint8Array(48).fill(9) }),
    });
    expect(custom.read([1]).images.every((v) => v === 9)).toBe(true);
    expect(seen).toEqual([f.val[1].file]);
    expect(() => ds.read([99])).toThrow('imagenet100 test: index 99 is outside 0..7');
  });
});
