import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import { loadMnistLike } from './load-mnist-like';
import { checksumsFor, fixtureFiles, fixtureImages, useTempDirs, writeFiles } from './test-utils/mnist-like-fixture';

const tempDir = useTempDirs();
const files = fixtureFiles(30, 20);
const checksums = checksumsFor(files);

describe('loadMnistLike from a user dir', () => {
  for (const gzip of [false, true]) {
    it(`loads both splits (${gzip ? '.gz' : 'raw'})`, async () => {
      const dir = await tempDir();
      await writeFiles(dir, files, { gzip });
      const ds = await loadMnistLike('fashion-mnist', 'train', { dir, checksums });
      expect(ds).toMatchObject({ name: 'fashion-mnist', split: 'train', n: 30, height: 28, width: 28, channels: 1, numClasses: 10 });
      expect(ds.classNames[9]).toBe('Ankle boot');
      expect(ds.images).toEqual(fixtureImages(30));
      expect([...ds.labels.subarray(0, 4)]).toEqual([0, 3, 6, 9]);
      expect((await loadMnistLike('mnist', 'test', { dir, checksums })).n).toBe(20);
    });
  }

  it('names the dir and the expected files when one is missing', async () => {
    const dir = await tempDir();
    await writeFiles(dir, files, { gzip: true, only: ['t10k-images-idx3-ubyte'] });
    const err = loadMnistLike('mnist', 'test', { dir, checksums, systemDirs: [], download: true });
    await expect(err).rejects.toThrow(
      `mnist test: t10k-labels-idx1-ubyte[.gz] not found in ${dir} (the data dir must hold t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz], gzipped or not)`,
    );
  });

  it('uses only the user dir even when the cache has the files', async () => {
    const [dir, cache] = [await tempDir(), await tempDir()];
    await mkdir(join(cache, 'mnist'));
    await writeFiles(join(cache, 'mnist'), files, { gzip: false });
    await expect(loadMnistLike('mnist', 'test', { dir, cacheDir: cache, checksums })).rejects.toThrow(/not found in /);
  });

  it('keeps the first `limit` examples after verifying the whole file', async () => {
    const dir = await tempDir();
    await writeFiles(dir, files, { gzip: true });
    const ds = await loadMnistLike('mnist', 'train', { dir, checksums, limit: 7 });
    expect(ds.n).toBe(7);
    expect(ds.images).toEqual(fixtureImages(7));
    expect(ds.labels.length).toBe(7);
    expect((await loadMnistLike('mnist', 'train', { dir, checksums, limit: 1000 })).n).toBe(30);
    await expect(loadMnistLike('mnist', 'train', { dir, checksums, limit: -1 })).rejects.toThrow(/limit must be a non-negative integer/);
  });

  it('fails verification with the real table, and passes with verify: false', async () => {
    const dir = await tempDir();
    await writeFiles(dir, files, { gzip: true });
    const path = join(dir, 'train-images-idx3-ubyte.gz');
    await expect(loadMnistLike('mnist', 'train', { dir })).rejects.toThrow(
      `${path}: wrong size for mnist train-images-idx3-ubyte (decompressed): expected 47040016 bytes, found 23536`,
    );
    expect((await loadMnistLike('mnist', 'train', { dir, verify: false })).n).toBe(30);
  });

  it('rejects a checksum mismatch', async () => {
    const dir = await tempDir();
    const bad = { ...files, 'train-labels-idx1-ubyte': encodeIdx([30], new Uint8Array(30)) };
    await writeFiles(dir, bad, { gzip: true });
    await expect(loadMnistLike('mnist', 'train', { dir, checksums })).rejects.toThrow(/train-labels-idx1-ubyte\.gz: sha256 mismatch/);
  });

  describe('structural checks (verify: false)', () => {
    const write = async (name: string, bytes: Uint8Array) => {
      const dir = await tempDir();
      await writeFiles(dir, files, { gzip: false });
      await writeFile(join(dir, name), bytes);
      return dir;
    };

    it('rejects labels >= 10', async () => {
      const labels = new Uint8Array(20);
      labels[5] = 10;
      const dir = await write('t10k-labels-idx1-ubyte', encodeIdx([20], labels));
      await expect(loadMnistLike('mnist', 'test', { dir, verify: false })).rejects.toThrow(
        `${join(dir, 't10k-labels-idx1-ubyte')}: expected labels 0 to 9, found 10 at index 5`,
      );
    });

    it('rejects images that are not 28x28', async () => {
      const dir = await write('t10k-images-idx3-ubyte', encodeIdx([20, 32, 32], new Uint8Array(20 * 1024)));
      await expect(loadMnistLike('mnist', 'test', { dir, verify: false })).rejects.toThrow(/expected images of shape N×28×28, found 20×32×32$/);
    });

    it('rejects a label count that differs from the image count', async () => {
      const dir = await write('t10k-labels-idx1-ubyte', encodeIdx([19], new Uint8Array(19)));
      await expect(loadMnistLike('mnist', 'test', { dir, verify: false })).rejects.toThrow(/expected 20 labels to match the 20 images in .*, found 19$/);
    });

    it('reports a truncated file by name', async () => {
      const dir = await write('t10k-images-idx3-ubyte', files['t10k-images-idx3-ubyte'].subarray(0, 1000));
      await expect(loadMnistLike('mnist', 'test', { dir })).rejects.toThrow(
        `${join(dir, 't10k-images-idx3-ubyte')}: truncated IDX file`,
      );
    });
  });
});

describe('loadMnistLike search order', () => {
  it('prefers a system dir, then the cache', async () => {
    const [system, cacheRoot] = [await tempDir(), await tempDir()];
    await writeFiles(system, files, { gzip: true });
    const cacheFiles = fixtureFiles(30, 5);
    const cache = join(cacheRoot, 'fashion-mnist');
    await mkdir(cache);
    await writeFiles(cache, cacheFiles, { gzip: true });
    const opts = { systemDirs: [system], cacheDir: cacheRoot, verify: false };
    expect((await loadMnistLike('fashion-mnist', 'test', opts)).n).toBe(20);
    await rm(join(system, 't10k-labels-idx1-ubyte.gz'));
    expect((await loadMnistLike('fashion-mnist', 'test', opts)).n).toBe(5);
  });

  it('says where it looked and how to fix it when nothing is found', async () => {
    const [system, cacheRoot] = [await tempDir(), await tempDir()];
    const cache = join(cacheRoot, 'fashion-mnist');
    const err = loadMnistLike('fashion-mnist', 'test', { systemDirs: [system], cacheDir: cacheRoot });
    await expect(err).rejects.toThrow(
      `fashion-mnist test: t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] not found; looked in ${system}, ${cache}. ` +
        `Fix: run apt-get install -y dataset-fashion-mnist, or pass --data-dir DIR (option dir) with the files, ` +
        `or pass --download (option download: true) to fetch them into ${cache}`,
    );
  });

  it('rejects unknown names and splits', async () => {
    await expect(loadMnistLike('cifar' as never, 'test')).rejects.toThrow(/unknown dataset "cifar"/);
    await expect(loadMnistLike('mnist', 'val' as never)).rejects.toThrow(/unknown split "val"/);
  });
});
