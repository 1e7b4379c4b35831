import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCifar } from './load-cifar';
import { expectSameBytes } from './test-utils/same-bytes';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { fakePixel, writeFakeCifar10, writeFakeCifar100 } from './test-utils/official-layouts';
import { tarBytes } from './test-utils/tar-write';

const tempDir = useTempDirs();
const sums = (b: Uint8Array) => ({
  bytes: b.length,
  md5: createHash('md5').update(b).digest('hex'),
  sha256: createHash('sha256').update(b).digest('hex'),
});

describe('loadCifar (CIFAR-10)', () => {
  for (const layout of ['extracted', 'flat', 'archive'] as const) {
    it(`round-trips pixels and labels exactly (${layout})`, async () => {
      const fake = await writeFakeCifar10(await tempDir(), { train: 15, test: 4, layout });
      const train = await loadCifar('cifar10', 'train', { dir: fake.dir, verify: false });
      expect(train).toMatchObject({ name: 'cifar10', split: 'train', n: 15, height: 32, width: 32, channels: 3, numClasses: 10 });
      expectSameBytes(train.images, fake.expected.train.images);
      expect(train.labels).toEqual(fake.expected.train.labels);
      expect(train.classNames[1]).toBe('automobile');
      const test = await loadCifar('cifar10', 'test', { dir: fake.dir, verify: false });
      expectSameBytes(test.images, fake.expected.test.images);
      expect(test.labels).toEqual(fake.expected.test.labels);
    });
  }

  it('puts channel c of row r, column k at ((r·32 + k)·3 + c): CHW planes become HWC', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2 });
    const ds = await loadCifar('cifar10', 'test', { dir: fake.dir, verify: false });
    // Record 1 of the file: label byte, then R plane; R of (row 2, col 5) is byte 1 + 2·32 + 5.
    const record1 = fake.files['test_batch.bin'].subarray(3073, 2 * 3073);
    expect(ds.images[3072 + (2 * 32 + 5) * 3 + 0]).toBe(record1[1 + 2 * 32 + 5]);
    expect(ds.images[3072 + (2 * 32 + 5) * 3 + 2]).toBe(record1[1 + 2048 + 2 * 32 + 5]);
    expect(ds.images[3072 + (2 * 32 + 5) * 3 + 2]).toBe(fakePixel(1, 2, 5, 2, 100));
    expect(ds.images[3072 + (5 * 32 + 2) * 3 + 2]).not.toBe(fakePixel(1, 2, 5, 2, 100));
  });

  it('carves val / train-no-val the reference way (the last 5,000) or seeded', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 20, test: 2 });
    const opts = { dir: fake.dir, verify: false };
    const px = 3072;
    const val = await loadCifar('cifar10', 'val', { ...opts, val: { size: 6 } });
    const rest = await loadCifar('cifar10', 'train-no-val', { ...opts, val: { size: 6 } });
    expect(val.n).toBe(6);
    expectSameBytes(val.images, fake.expected.train.images.subarray(14 * px));
    expect(rest.labels).toEqual(fake.expected.train.labels.subarray(0, 14));
    await expect(loadCifar('cifar10', 'val', opts)).rejects.toThrow(
      'validation size must be an integer in 1..19 for a training file of 20 examples, got 5000; pass val: { size }',
    );
    const seeded = await loadCifar('cifar10', 'val', { ...opts, val: { size: 6, seed: 3 } });
    const seededRest = await loadCifar('cifar10', 'train-no-val', { ...opts, val: { size: 6, seed: 3 } });
    // Together the two parts hold each training example exactly once; each part in file order.
    const all = [...seeded.labels, ...seededRest.labels].sort();
    expect(all).toEqual([...fake.expected.train.labels].sort());
    const firstPixels = (d: typeof seeded) => Array.from({ length: d.n }, (_, i) => d.images[i * px]);
    const index = (v: number) => Array.from({ length: 20 }, (_, n) => fakePixel(n, 0, 0, 0)).indexOf(v);
    const idx = firstPixels(seeded).map(index);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    expect(new Set([...idx, ...firstPixels(seededRest).map(index)]).size).toBe(20);
    expect(idx).not.toEqual([14, 15, 16, 17, 18, 19]);
    expect((await loadCifar('cifar10', 'val', { ...opts, val: { size: 6, seed: 3 } })).labels).toEqual(seeded.labels);
  });

  it('applies limit after the split and allocates only what it keeps', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 10, test: 3, layout: 'archive' });
    const ds = await loadCifar('cifar10', 'train', { dir: fake.dir, verify: false, limit: 3 });
    expect(ds.n).toBe(3);
    expectSameBytes(ds.images, fake.expected.train.images.subarray(0, 3 * 3072));
    expect(ds.images.buffer.byteLength).toBe(3 * 3072);
    expect((await loadCifar('cifar10', 'val', { dir: fake.dir, verify: false, val: { size: 4 }, limit: 2 })).labels).toEqual(
      fake.expected.train.labels.subarray(6, 8),
    );
    await expect(loadCifar('cifar10', 'train', { dir: fake.dir, limit: 1.5 })).rejects.toThrow('limit must be a non-negative integer, got 1.5');
  });

  it('verifies the archive against its official checksum, and accepts a matching override', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2, layout: 'archive' });
    const path = fake.archive!;
    const size = (await readFile(path)).length;
    await expect(loadCifar('cifar10', 'test', { dir: fake.dir })).rejects.toThrow(
      `${path}: wrong size for cifar10 cifar-10-binary.tar.gz: expected 170052171 bytes, found ${size}`,
    );
    const checksums = { 'cifar-10-binary.tar.gz': sums(await readFile(path)) };
    expect((await loadCifar('cifar10', 'test', { dir: fake.dir, checksums })).n).toBe(2);
    const wrong = { 'cifar-10-binary.tar.gz': { ...checksums['cifar-10-binary.tar.gz'], sha256: '0'.repeat(64) } };
    await expect(loadCifar('cifar10', 'test', { dir: fake.dir, checksums: wrong })).rejects.toThrow(
      new RegExp(`^${path}: sha256 mismatch for cifar10 cifar-10-binary.tar.gz: expected 0{64}, found [0-9a-f]{64}; .*verify: false`),
    );
  });

  it('verifies extracted members by size and md5', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2 });
    const path = join(fake.dir, 'cifar-10-batches-bin', 'test_batch.bin');
    await expect(loadCifar('cifar10', 'test', { dir: fake.dir })).rejects.toThrow(
      `${path}: wrong size for cifar10 test_batch.bin: expected 30730000 bytes, found 6146`,
    );
    const checksums = { 'test_batch.bin': { bytes: 6146, md5: sums(fake.files['test_batch.bin']).md5 } };
    expect((await loadCifar('cifar10', 'test', { dir: fake.dir, checksums })).n).toBe(2);
    const flipped = fake.files['test_batch.bin'].slice();
    flipped[100] ^= 4;
    await writeFile(path, flipped);
    await expect(loadCifar('cifar10', 'test', { dir: fake.dir, checksums })).rejects.toThrow(`${path}: md5 mismatch for cifar10 test_batch.bin`);
  });

  it('names the file, expected and actual size of a truncated member', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2 });
    const path = join(fake.dir, 'cifar-10-batches-bin', 'data_batch_3.bin');
    await truncate(path, 3000);
    await expect(loadCifar('cifar10', 'train', { dir: fake.dir, verify: false })).rejects.toThrow(
      `${path}: 3000 bytes is not a whole number of 3073-byte cifar10 records; the file is truncated or not cifar10 binary`,
    );
    await truncate(path, 0);
    await expect(loadCifar('cifar10', 'train', { dir: fake.dir, verify: false })).rejects.toThrow(
      `${path}: 0 records, but data_batch_1.bin has 1; every cifar10 training file must hold the same number`,
    );
  });

  it('reports truncated and corrupt archives with the archive name', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2, layout: 'archive' });
    const path = fake.archive!;
    const gz = await readFile(path);
    await writeFile(path, gz.subarray(0, Math.floor(gz.length / 2)));
    await expect(loadCifar('cifar10', 'train', { dir: fake.dir, verify: false })).rejects.toThrow(
      `${path}: corrupt or truncated gzip data (unexpected end of file)`,
    );
    const flipped = Uint8Array.from(gz);
    flipped[Math.floor(gz.length / 2)] ^= 0x55;
    await writeFile(path, flipped);
    await expect(loadCifar('cifar10', 'train', { dir: fake.dir, verify: false })).rejects.toThrow(new RegExp(`^${path}`));
  });

  it('says which member is missing from an archive', async () => {
    const dir = await tempDir();
    const only = tarBytes([{ name: 'cifar-10-batches-bin/test_batch.bin', data: new Uint8Array(3073) }]);
    await writeFile(join(dir, 'cifar-10-binary.tar.gz'), gzipSync(only));
    expect((await loadCifar('cifar10', 'test', { dir, verify: false })).n).toBe(1);
    await expect(loadCifar('cifar10', 'train', { dir, verify: false })).rejects.toThrow(
      `${join(dir, 'cifar-10-binary.tar.gz')}: data_batch_1.bin, data_batch_2.bin, data_batch_3.bin, data_batch_4.bin, data_batch_5.bin not found in the archive (expected under cifar-10-batches-bin/)`,
    );
  });

  it('rejects out-of-range labels naming the file and record', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2 });
    const path = join(fake.dir, 'cifar-10-batches-bin', 'test_batch.bin');
    const bad = fake.files['test_batch.bin'].slice();
    bad[3073] = 10;
    await writeFile(path, bad);
    await expect(loadCifar('cifar10', 'test', { dir: fake.dir, verify: false })).rejects.toThrow(`${path}: record 1 has label 10, expected 0..9`);
  });

  it('lists the expected files, sizes, checksums and URL when nothing is found', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'cifar-10-batches-bin'));
    await writeFile(join(dir, 'cifar-10-batches-bin', 'data_batch_1.bin'), new Uint8Array(3073));
    const err = loadCifar('cifar10', 'train', { dir });
    await expect(err).rejects.toThrow(`cifar10 train: files not found; looked only in ${dir} (option dir) (${dir} has data_batch_1.bin but not data_batch_2.bin`);
    await expect(err).rejects.toThrow(
      'or the archive cifar-10-binary.tar.gz (170052171 bytes, md5 c32a1d4ab5d03f1284b67883e8d87530, sha256 c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd) from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    );
    await expect(err).rejects.toThrow('data_batch_5.bin (30730000 bytes, md5 53f37980c15c3d472c316c40844f3f0d)');
    await rm(join(dir, 'cifar-10-batches-bin'), { recursive: true });
    await expect(loadCifar('cifar10', 'test', { cacheDir: dir })).rejects.toThrow(
      `looked in ${join(dir, 'cifar10')}. Expected test_batch.bin (30730000 bytes, md5 803d5f7f4d78ea53de84dbe85f74fb6d) directly or in a cifar-10-batches-bin/ folder`,
    );
  });
});

describe('loadCifar (CIFAR-100)', () => {
  for (const layout of ['extracted', 'archive'] as const) {
    it(`reads fine and coarse labels with their name lists (${layout})`, async () => {
      const fake = await writeFakeCifar100(await tempDir(), { train: 7, test: 3, layout });
      const fine = await loadCifar('cifar100', 'train', { dir: fake.dir, verify: false });
      expect(fine).toMatchObject({ name: 'cifar100', n: 7, numClasses: 100 });
      expectSameBytes(fine.images, fake.expected.train.images);
      expect(fine.labels).toEqual(fake.expected.train.labels);
      expect(fine.classNames[42]).toBe('fine_42');
      const coarse = await loadCifar('cifar100', 'test', { dir: fake.dir, verify: false, labels: 'coarse' });
      expect(coarse).toMatchObject({ n: 3, numClasses: 20 });
      expect(coarse.labels).toEqual(fake.expected.test.coarse);
      expect(coarse.classNames).toHaveLength(20);
      expect(coarse.classNames[19]).toBe('coarse_19');
      expectSameBytes(coarse.images, fake.expected.test.images);
    });
  }

  it('uses the built-in names when the name files are absent, and checks their length', async () => {
    const fake = await writeFakeCifar100(await tempDir(), { train: 2, test: 2, layout: 'flat' });
    await rm(join(fake.dir, 'fine_label_names.txt'));
    const ds = await loadCifar('cifar100', 'test', { dir: fake.dir, verify: false });
    expect([ds.classNames[0], ds.classNames[99]]).toEqual(['apple', 'worm']);
    await writeFile(join(fake.dir, 'coarse_label_names.txt'), 'a\nb\n');
    await expect(loadCifar('cifar100', 'test', { dir: fake.dir, verify: false, labels: 'coarse' })).rejects.toThrow(
      `${join(fake.dir, 'coarse_label_names.txt')}: expected 20 class names, one per line, found 2`,
    );
  });

  it('rejects a coarse label over 19 and the coarse option on CIFAR-10', async () => {
    const fake = await writeFakeCifar100(await tempDir(), { train: 2, test: 2 });
    const path = join(fake.dir, 'cifar-100-binary', 'test.bin');
    const bad = fake.files['test.bin'].slice();
    bad[0] = 20;
    await writeFile(path, bad);
    await expect(loadCifar('cifar100', 'test', { dir: fake.dir, verify: false })).rejects.toThrow(`${path}: record 0 has label 20, expected 0..19`);
    await expect(loadCifar('cifar10', 'test', { labels: 'coarse' })).rejects.toThrow('cifar10 has no coarse labels');
  });
});
