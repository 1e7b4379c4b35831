import { createHash } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadStl10 } from './load-stl10';
import { streamStl10Unlabeled } from './stl10-unlabeled';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { tarBytes } from './test-utils/tar-write';
import { fakePixel, writeFakeStl10 } from './test-utils/official-layouts';
import { expectSameBytes } from './test-utils/same-bytes';

const tempDir = useTempDirs();
const IMG = 96 * 96 * 3;

describe('loadStl10', () => {
  for (const layout of ['extracted', 'flat', 'archive'] as const) {
    it(`round-trips pixels and labels exactly (${layout})`, async () => {
      const fake = await writeFakeStl10(await tempDir(), { train: 4, test: 3, layout });
      for (const split of ['train', 'test'] as const) {
        const ds = await loadStl10(split, { dir: fake.dir, verify: false });
        expect(ds).toMatchObject({ name: 'stl10', split, n: fake.expected[split].labels.length, height: 96, width: 96, channels: 3, numClasses: 10 });
        expectSameBytes(ds.images, fake.expected[split].images);
        expect(ds.labels).toEqual(fake.expected[split].labels);
        expect(ds.classNames[7]).toBe('monkey');
      }
    });
  }

  it('transposes each column-major plane: (c, r, k) is stored at c·9216 + k·96 + r', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 2, test: 2 });
    const ds = await loadStl10('test', { dir: fake.dir, verify: false });
    const raw = fake.files['test_X.bin'];
    const [n, r, k, c] = [1, 5, 70, 2];
    expect(ds.images[n * IMG + (r * 96 + k) * 3 + c]).toBe(raw[n * IMG + c * 9216 + k * 96 + r]);
    expect(raw[n * IMG + c * 9216 + k * 96 + r]).toBe(fakePixel(n, r, k, c, 100));
    expect(fakePixel(n, r, k, c, 100)).not.toBe(fakePixel(n, k, r, c, 100));
  });

  it('maps labels 1–10 to 0–9 and rejects 0 and 11', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 2, test: 8 });
    expect(fake.files['test_y.bin'].some((y) => y === 10)).toBe(true);
    const ds = await loadStl10('test', { dir: fake.dir, verify: false });
    expect([...ds.labels]).toEqual([...fake.files['test_y.bin']].map((y) => y - 1));
    const path = join(fake.dir, 'stl10_binary', 'test_y.bin');
    await writeFile(path, Uint8Array.of(1, 0, 3, 1, 1, 1, 1, 1));
    await expect(loadStl10('test', { dir: fake.dir, verify: false })).rejects.toThrow(`${path}: label 1 is 0, expected 1..10`);
    await writeFile(path, Uint8Array.of(1, 10, 3, 1, 1, 1, 1, 11));
    await expect(loadStl10('test', { dir: fake.dir, verify: false })).rejects.toThrow(`${path}: label 7 is 11, expected 1..10`);
  });

  for (const layout of ['extracted', 'archive'] as const) {
    it(`selects a predefined fold in fold_indices.txt order, with indices over 255 (${layout})`, async () => {
      const fake = await writeFakeStl10(await tempDir(), { train: 300, test: 1, layout });
      const fold = fake.expected.folds[3];
      expect(Math.max(...fold)).toBe(299);
      const ds = await loadStl10('train', { dir: fake.dir, verify: false, fold: 3 });
      expect(ds.n).toBe(fold.length);
      expect([...ds.labels]).toEqual(fold.map((i) => fake.expected.train.labels[i]));
      expectSameBytes(ds.images.subarray(0, IMG), fake.expected.train.images.subarray(fold[0] * IMG, (fold[0] + 1) * IMG));
      expectSameBytes(ds.images.subarray(IMG * 100, IMG * 101), fake.expected.train.images.subarray(fold[100] * IMG, (fold[100] + 1) * IMG));
      const limited = await loadStl10('train', { dir: fake.dir, verify: false, fold: 3, limit: 2 });
      expect([...limited.labels]).toEqual(fold.slice(0, 2).map((i) => fake.expected.train.labels[i]));
    });
  }

  it('checks fold options and fold files', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 12, test: 1 });
    await expect(loadStl10('test', { dir: fake.dir, fold: 0 })).rejects.toThrow('stl10: folds select training examples');
    await expect(loadStl10('train', { dir: fake.dir, fold: 10 })).rejects.toThrow('stl10: fold must be an integer 0..9, got 10');
    const path = join(fake.dir, 'stl10_binary', 'fold_indices.txt');
    await writeFile(path, '1 2 3\n');
    await expect(loadStl10('train', { dir: fake.dir, verify: false, fold: 0 })).rejects.toThrow(`${path}: expected 10 lines of fold indices, found 1`);
    await writeFile(path, '0 12\n'.repeat(10));
    await expect(loadStl10('train', { dir: fake.dir, verify: false, fold: 0 })).rejects.toThrow(`${path} fold 0: index 12 is outside 0..11`);
  });

  it('applies limit and names truncated files with their sizes', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 5, test: 3 });
    const ds = await loadStl10('train', { dir: fake.dir, verify: false, limit: 2 });
    expectSameBytes(ds.images, fake.expected.train.images.subarray(0, 2 * IMG));
    expect(ds.labels).toEqual(fake.expected.train.labels.subarray(0, 2));
    const path = join(fake.dir, 'stl10_binary', 'train_X.bin');
    await truncate(path, 5 * IMG - 1);
    await expect(loadStl10('train', { dir: fake.dir, verify: false })).rejects.toThrow(
      `${path}: 138239 bytes is not a whole number of 27648-byte STL-10 images; the file is truncated or not STL-10 binary`,
    );
    await truncate(path, 4 * IMG);
    await expect(loadStl10('train', { dir: fake.dir, verify: false })).rejects.toThrow(
      `${join(fake.dir, 'stl10_binary', 'train_y.bin')}: 5 examples, but train_X.bin has 4`,
    );
    await expect(loadStl10('train', { dir: fake.dir })).rejects.toThrow(`${path}: wrong size for stl10 train_X.bin: expected 138240000 bytes, found 110592`);
  });

  it('verifies extracted members by md5 (override) and the archive by its hash', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 2, test: 2, layout: 'archive' });
    const gz = await readFile(fake.archive!);
    const archiveSums = { bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex') };
    expect((await loadStl10('test', { dir: fake.dir, checksums: { 'stl10_binary.tar.gz': archiveSums } })).n).toBe(2);
    await expect(loadStl10('test', { dir: fake.dir, checksums: { 'stl10_binary.tar.gz': { ...archiveSums, sha256: 'f'.repeat(64) } } })).rejects.toThrow(
      `${fake.archive}: sha256 mismatch for stl10 stl10_binary.tar.gz`,
    );
  });

  it('sizes the images from the image file, never from the label count (a label byte stands for 27,648 image bytes)', async () => {
    // 10^6 labels ahead of 2 images: sized from the labels, the images would need 27.6 GB before the counts are compared.
    const dir = await tempDir();
    const entries = [
      { name: 'stl10_binary/test_y.bin', data: new Uint8Array(1_000_000).fill(1) },
      { name: 'stl10_binary/test_X.bin', data: new Uint8Array(2 * IMG) },
    ];
    await writeFile(join(dir, 'stl10_binary.tar.gz'), gzipSync(tarBytes(entries)));
    await expect(loadStl10('test', { dir, verify: false })).rejects.toThrow(
      `${join(dir, 'stl10_binary.tar.gz')}:stl10_binary/test_X.bin: 2 examples, but test_y.bin has 1000000`,
    );
  });
});

describe('streamStl10Unlabeled', () => {
  for (const layout of ['extracted', 'archive'] as const) {
    it(`yields NHWC chunks of the unlabeled images (${layout})`, async () => {
      const fake = await writeFakeStl10(await tempDir(), { train: 1, test: 1, unlabeled: 7, layout });
      const chunks = [];
      for await (const c of streamStl10Unlabeled({ dir: fake.dir, verify: false, chunkSize: 3 })) chunks.push(c);
      expect(chunks.map((c) => [c.start, c.n])).toEqual([
        [0, 3],
        [3, 3],
        [6, 1],
      ]);
      for (const c of chunks) expectSameBytes(c.images, fake.expected.unlabeled.subarray(c.start * IMG, (c.start + c.n) * IMG));
      const limited = [];
      for await (const c of streamStl10Unlabeled({ dir: fake.dir, verify: false, chunkSize: 3, limit: 4 })) limited.push(c.n);
      expect(limited).toEqual([3, 1]);
    });
  }

  it('checks the hash when the stream ends, so the last next() throws on a mismatch', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 1, test: 1, unlabeled: 2 });
    const raw = fake.files['unlabeled_X.bin'];
    const md5 = createHash('md5').update(raw).digest('hex');
    const ok = [];
    for await (const c of streamStl10Unlabeled({ dir: fake.dir, checksums: { 'unlabeled_X.bin': { bytes: raw.length, md5 } } })) ok.push(c.n);
    expect(ok).toEqual([2]);
    const got: number[] = [];
    const run = async () => {
      for await (const c of streamStl10Unlabeled({ dir: fake.dir, checksums: { 'unlabeled_X.bin': { bytes: raw.length, md5: '0'.repeat(32) } } })) got.push(c.n);
    };
    await expect(run()).rejects.toThrow(`${join(fake.dir, 'stl10_binary', 'unlabeled_X.bin')}: md5 mismatch for stl10 unlabeled_X.bin`);
    expect(got).toEqual([2]);
  });
});
