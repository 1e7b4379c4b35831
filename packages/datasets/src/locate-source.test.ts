import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCifar } from './load-cifar';
import { loadSvhn } from './load-svhn';
import { fakeFileServer } from './test-utils/fake-file-server';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { writeFakeCifar10, writeFakeSvhn } from './test-utils/official-layouts';
import { expectSameBytes } from './test-utils/same-bytes';

const tempDir = useTempDirs();
const sums = (b: Uint8Array) => ({ bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') });

describe('official-format sources: cache and download', () => {
  it('downloads the archive into <cacheDir>/<dataset>, verifies it, then reads the cache without fetching', async () => {
    const fake = await writeFakeCifar10(await tempDir(), { train: 5, test: 2, layout: 'archive' });
    const gz = new Uint8Array(await readFile(fake.archive!));
    const server = fakeFileServer({ 'cifar-10-binary.tar.gz': gz });
    const cacheDir = await tempDir();
    const opts = { cacheDir, download: true, fetch: server.fetch, checksums: { 'cifar-10-binary.tar.gz': sums(gz) } };
    const ds = await loadCifar('cifar10', 'test', opts);
    expectSameBytes(ds.images, fake.expected.test.images);
    expect(server.requests).toEqual([{ url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', range: null }]);
    expect(await readdir(join(cacheDir, 'cifar10'))).toEqual(['cifar-10-binary.tar.gz']);
    await loadCifar('cifar10', 'train', opts);
    expect(server.requests).toHaveLength(1);
  });

  it('prefers an extracted cache folder over the archive', async () => {
    const cacheDir = await tempDir();
    const fake = await writeFakeCifar10(join(cacheDir, 'cifar10'), { train: 5, test: 2 });
    await writeFile(join(cacheDir, 'cifar10', 'cifar-10-binary.tar.gz'), 'not a tar');
    expect((await loadCifar('cifar10', 'test', { cacheDir, verify: false })).labels).toEqual(fake.expected.test.labels);
  });

  it('resumes a dropped download from the .part with a Range request, using mirrors when given', async () => {
    const svhn = await writeFakeSvhn(await tempDir(), { train: 3, test: 2 });
    const file = svhn.files['test_32x32.mat'];
    const server = fakeFileServer({ 'test_32x32.mat': file }, { dropAfter: 1000 });
    const cacheDir = await tempDir();
    const opts = { cacheDir, download: true, fetch: server.fetch, mirrors: ['http://mirror/svhn/'], checksums: { 'test_32x32.mat': sums(file) } };
    await expect(loadSvhn('test', opts)).rejects.toThrow(
      `svhn test_32x32.mat: download into ${join(cacheDir, 'svhn')} failed from every URL (http://mirror/svhn/test_32x32.mat: socket hang up)`,
    );
    expect((await stat(join(cacheDir, 'svhn', 'test_32x32.mat.part'))).size).toBe(1000);
    const ds = await loadSvhn('test', opts);
    expect(ds.labels).toEqual(svhn.expected.test.labels);
    expect(server.requests[1]).toEqual({ url: 'http://mirror/svhn/test_32x32.mat', range: 'bytes=1000-' });
    expect(await readdir(join(cacheDir, 'svhn'))).toEqual(['test_32x32.mat']);
  });

  it('deletes a download that fails its checksum and keeps no file', async () => {
    const svhn = await writeFakeSvhn(await tempDir(), { train: 3, test: 2 });
    const file = svhn.files['test_32x32.mat'];
    const server = fakeFileServer({ 'test_32x32.mat': file });
    const cacheDir = await tempDir();
    const checksums = { 'test_32x32.mat': { bytes: file.length, sha256: '1'.repeat(64) } };
    await expect(loadSvhn('test', { cacheDir, download: true, fetch: server.fetch, checksums })).rejects.toThrow(
      /failed from every URL \(http:\/\/ufldl\.stanford\.edu\/housenumbers\/test_32x32\.mat: sha256 mismatch for svhn test_32x32\.mat: expected 1{64}/,
    );
    expect(await readdir(join(cacheDir, 'svhn'))).toEqual([]);
  });

  it('never fetches without download: true, nor when a user dir is given', async () => {
    const server = fakeFileServer({});
    const cacheDir = await tempDir();
    await expect(loadSvhn('test', { cacheDir, fetch: server.fetch })).rejects.toThrow(
      `svhn test: files not found; looked in ${join(cacheDir, 'svhn')}.`,
    );
    const dir = await tempDir();
    await mkdir(join(dir, 'x'));
    await expect(loadSvhn('test', { dir, cacheDir, download: true, fetch: server.fetch })).rejects.toThrow(`looked only in ${dir} (option dir)`);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a FIFO, /dev/zero or a directory under a data file name, naming it, instead of calling it missing', async () => {
    const dir = await tempDir();
    for (const kind of ['fifo', 'devzero', 'dir']) {
      const d = join(dir, kind);
      await mkdir(d);
      const f = join(d, 'test_batch.bin');
      if (kind === 'fifo') execFileSync('mkfifo', [f]);
      if (kind === 'devzero') await symlink('/dev/zero', f);
      if (kind === 'dir') await mkdir(f);
      await expect(loadCifar('cifar10', 'test', { dir: d, verify: false })).rejects.toThrow(`${f}: not a regular file (a FIFO, device or directory)`);
    }
  });
});
