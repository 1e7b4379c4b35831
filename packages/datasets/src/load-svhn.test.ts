import { createHash } from 'node:crypto';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSvhn } from './load-svhn';
import { matFile, uint8Var } from './test-utils/mat5-write';
import { expectSameBytes } from './test-utils/same-bytes';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { fakePixel, fakeSvhnMat, writeFakeSvhn } from './test-utils/official-layouts';

const tempDir = useTempDirs();

describe('loadSvhn', () => {
  for (const labels of ['double-as-uint8', 'double', 'uint8'] as const) {
    for (const compress of [true, false]) {
      it(`round-trips pixels and labels (y ${labels}, ${compress ? 'compressed' : 'plain'})`, async () => {
        const fake = await writeFakeSvhn(await tempDir(), { train: 12, test: 5, extra: 4, compress, labels });
        for (const split of ['train', 'test', 'extra'] as const) {
          const ds = await loadSvhn(split, { dir: fake.dir, verify: false });
          expect(ds).toMatchObject({ name: 'svhn', split, n: fake.expected[split].labels.length, height: 32, width: 32, channels: 3, numClasses: 10 });
          expectSameBytes(ds.images, fake.expected[split].images);
          expect(ds.labels).toEqual(fake.expected[split].labels);
        }
      });
    }
  }

  it('maps label 10 to digit 0 and keeps 1–9', async () => {
    const fake = await writeFakeSvhn(await tempDir(), { train: 12, test: 2 });
    const ds = await loadSvhn('train', { dir: fake.dir, verify: false });
    // The fake stores digit 0 as 10 (examples 0, 10 in train); check the raw file says so.
    expect(fake.expected.train.labels[10]).toBe(0);
    expect([...ds.labels]).toEqual([0, 3, 6, 9, 2, 5, 8, 1, 4, 7, 0, 3]);
  });

  it('reads X column-major: element (r, k, c, n) at r + 32k + 1024c + 3072n', async () => {
    const fake = await writeFakeSvhn(await tempDir(), { train: 3, test: 2, compress: false });
    const ds = await loadSvhn('test', { dir: fake.dir, verify: false });
    const r = 4;
    const k = 9;
    const c = 1;
    const n = 1;
    expect(ds.images[n * 3072 + (r * 32 + k) * 3 + c]).toBe(fakePixel(n, r, k, c, 100));
    // The raw X data starts after the header and the matrix sub-elements; find it via the pattern.
    const raw = fake.files['test_32x32.mat'];
    const x0 = raw.indexOf(fakePixel(0, 0, 0, 0, 100), 128);
    const expectAt = x0 + r + 32 * k + 1024 * c + 3072 * n;
    expect(raw[expectAt]).toBe(fakePixel(n, r, k, c, 100));
    expect(fakePixel(n, r, k, c, 100)).not.toBe(fakePixel(n, k, r, c, 100));
  });

  it('carves val / train-no-val from train (reference: the last 5,000) and applies limit', async () => {
    const fake = await writeFakeSvhn(await tempDir(), { train: 12, test: 2 });
    const opts = { dir: fake.dir, verify: false, val: { size: 5 } };
    const val = await loadSvhn('val', opts);
    expectSameBytes(val.images, fake.expected.train.images.subarray(7 * 3072));
    expect((await loadSvhn('train-no-val', opts)).labels).toEqual(fake.expected.train.labels.subarray(0, 7));
    const limited = await loadSvhn('extra', { dir: fake.dir, verify: false, limit: 2 });
    expectSameBytes(limited.images, fake.expected.extra.images.subarray(0, 2 * 3072));
    expect(limited.labels).toEqual(fake.expected.extra.labels.subarray(0, 2));
  });

  it('verifies the file by size and sha256', async () => {
    const fake = await writeFakeSvhn(await tempDir(), { train: 3, test: 2 });
    const path = join(fake.dir, 'test_32x32.mat');
    const bytes = fake.files['test_32x32.mat'];
    await expect(loadSvhn('test', { dir: fake.dir })).rejects.toThrow(
      `${path}: wrong size for svhn test_32x32.mat: expected 64275384 bytes, found ${bytes.length}`,
    );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const checksums = { 'test_32x32.mat': { bytes: bytes.length, sha256 } };
    expect((await loadSvhn('test', { dir: fake.dir, checksums, limit: 1 })).n).toBe(1);
    const flipped = bytes.slice();
    flipped[50] ^= 1; // header text: not structural, so only the hash can notice
    await writeFile(path, flipped);
    await expect(loadSvhn('test', { dir: fake.dir, checksums })).rejects.toThrow(`${path}: sha256 mismatch for svhn test_32x32.mat: expected ${sha256}`);
  });

  it('names the file on truncation, corrupt zlib data and bad labels', async () => {
    const dir = await tempDir();
    const path = join(dir, 'test_32x32.mat');
    const good = fakeSvhnMat(4, 100);
    await writeFile(path, good);
    await truncate(path, good.length - 100);
    await expect(loadSvhn('test', { dir, verify: false })).rejects.toThrow(new RegExp(`^${path}: data element at byte \\d+ claims \\d+ bytes, past the end of the ${good.length - 100}-byte file`));
    const bad = good.slice();
    bad[200] ^= 0xff;
    await writeFile(path, bad);
    await expect(loadSvhn('test', { dir, verify: false })).rejects.toThrow(new RegExp(`^${path} \\(compressed element at byte 128\\)`));
    const x = new Uint8Array(2 * 3072);
    await writeFile(path, matFile([uint8Var('X', [32, 32, 3, 2], x), uint8Var('y', [2, 1], Uint8Array.of(3, 11))]));
    await expect(loadSvhn('test', { dir, verify: false })).rejects.toThrow(`${path}: y[1] is 11, expected a label 1..10 (10 means digit 0)`);
    await writeFile(path, matFile([uint8Var('X', [32, 32, 3, 2], x), uint8Var('y', [3, 1], Uint8Array.of(3, 1, 2))]));
    await expect(loadSvhn('test', { dir, verify: false })).rejects.toThrow(`${path}: y has 3 examples, but the other variable has 2`);
    await writeFile(path, matFile([uint8Var('X', [32, 3, 32, 2], x)]));
    await expect(loadSvhn('test', { dir, verify: false })).rejects.toThrow(`${path}: X has shape 32×3×32×2, expected 32×32×3×N`);
    await writeFile(path, matFile([uint8Var('X', [32, 32, 3, 2], x)]));
    await expect(loadSvhn('test', { dir, verify: false })).rejects.toThrow(`${path}: no variable y; expected SVHN's X (images) and y (labels)`);
  });

  it('reads y before X too', async () => {
    const dir = await tempDir();
    const x = Uint8Array.from({ length: 2 * 3072 }, (_, i) => i & 255);
    await writeFile(join(dir, 'test_32x32.mat'), matFile([uint8Var('y', [2, 1], Uint8Array.of(10, 7)), uint8Var('X', [32, 32, 3, 2], x)], { compress: true }));
    const ds = await loadSvhn('test', { dir, verify: false });
    expect([...ds.labels]).toEqual([0, 7]);
    expect(ds.images[3072 + 3]).toBe(x[3072 + 32]); // (r 0, k 1, c 0) of image 1 is at 32 in its column-major block
  });

  it('lists the three official files with sizes, hashes and URLs when missing', async () => {
    const dir = await tempDir();
    await expect(loadSvhn('extra', { dir })).rejects.toThrow(
      'Expected extra_32x32.mat (1329278602 bytes, md5 a93ce644f1a588dc4d68dda5feec44a7, sha256 a133a4beb38a00fcdda90c9489e0c04f900b660ce8a316a5e854838379a71eb3) in the folder, from http://ufldl.stanford.edu/housenumbers/extra_32x32.mat',
    );
  });
});
