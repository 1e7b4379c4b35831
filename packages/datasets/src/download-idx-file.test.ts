import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadIdxFile, type DownloadProgress } from './download-idx-file';
import { loadMnistLike } from './load-mnist-like';
import { fakeServer } from './test-utils/fake-fetch';
import { checksumsFor, fixtureFiles, fixtureImages, useTempDirs } from './test-utils/mnist-like-fixture';

const tempDir = useTempDirs();
const files = fixtureFiles(30, 20);
const checksums = checksumsFor(files);
const FILE = 'train-images-idx3-ubyte';
const mirrors = ['http://m1/data/'];

describe('downloadIdxFile', () => {
  it('downloads, verifies and renames into place', async () => {
    const dir = await tempDir();
    const server = fakeServer(files);
    const progress: DownloadProgress[] = [];
    const path = await downloadIdxFile('mnist', FILE, dir, { fetch: server.fetch, mirrors, checksums, onProgress: (p) => progress.push(p) });
    expect(path).toBe(join(dir, `${FILE}.gz`));
    expect(new Uint8Array(await readFile(path))).toEqual(server.gz[`${FILE}.gz`]);
    expect(await readdir(dir)).toEqual([`${FILE}.gz`]);
    expect(server.requests).toEqual([{ url: `http://m1/data/${FILE}.gz`, range: null }]);
    expect(progress.at(-1)).toMatchObject({ file: `${FILE}.gz`, received: server.gz[`${FILE}.gz`].length, total: server.gz[`${FILE}.gz`].length });
  });

  it('resumes from an existing .part with a Range request', async () => {
    const dir = await tempDir();
    const server = fakeServer(files);
    const gz = server.gz[`${FILE}.gz`];
    await writeFile(join(dir, `${FILE}.gz.part`), gz.subarray(0, 1000));
    await downloadIdxFile('mnist', FILE, dir, { fetch: server.fetch, mirrors, checksums });
    expect(server.requests[0].range).toBe('bytes=1000-');
    expect(server.sent).toBe(gz.length - 1000);
    expect(new Uint8Array(await readFile(join(dir, `${FILE}.gz`)))).toEqual(gz);
  });

  it('keeps the .part after a dropped connection and resumes on the next call', async () => {
    const dir = await tempDir();
    const server = fakeServer(files, { dropAfter: 500 });
    const opts = { fetch: server.fetch, mirrors, checksums };
    await expect(downloadIdxFile('mnist', FILE, dir, opts)).rejects.toThrow(
      `mnist ${FILE}.gz: download into ${dir} failed from every mirror (http://m1/data/${FILE}.gz: socket hang up)`,
    );
    expect((await stat(join(dir, `${FILE}.gz.part`))).size).toBe(500);
    await downloadIdxFile('mnist', FILE, dir, opts);
    expect(server.requests[1].range).toBe('bytes=500-');
    expect(await readdir(dir)).toEqual([`${FILE}.gz`]);
  });

  it('starts over when the server ignores Range', async () => {
    const dir = await tempDir();
    const server = fakeServer(files, { ignoreRange: true });
    await writeFile(join(dir, `${FILE}.gz.part`), new Uint8Array(700).fill(7));
    await downloadIdxFile('mnist', FILE, dir, { fetch: server.fetch, mirrors, checksums });
    expect(new Uint8Array(await readFile(join(dir, `${FILE}.gz`)))).toEqual(server.gz[`${FILE}.gz`]);
  });

  it('accepts a complete .part when the server answers 416', async () => {
    const dir = await tempDir();
    const server = fakeServer(files);
    await writeFile(join(dir, `${FILE}.gz.part`), server.gz[`${FILE}.gz`]);
    await downloadIdxFile('mnist', FILE, dir, { fetch: server.fetch, mirrors, checksums });
    expect(await readdir(dir)).toEqual([`${FILE}.gz`]);
  });

  it('deletes the .part and keeps no file when the checksum fails', async () => {
    const dir = await tempDir();
    const tampered = files[FILE].slice();
    tampered[500] ^= 0xff;
    const server = fakeServer({ ...files, [FILE]: tampered });
    await expect(downloadIdxFile('mnist', FILE, dir, { fetch: server.fetch, mirrors, checksums })).rejects.toThrow(
      new RegExp(`^mnist ${FILE}\\.gz: download into .* failed from every mirror \\(http://m1/data/${FILE}\\.gz: sha256 mismatch for mnist ${FILE}`),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('falls back to the next mirror and lists every failure', async () => {
    const dir = await tempDir();
    const server = fakeServer(files);
    const fetch404: typeof fetch = async (input, init) =>
      String(input).startsWith('http://bad/') ? new Response(null, { status: 404, statusText: 'Not Found' }) : server.fetch(input, init);
    await downloadIdxFile('mnist', FILE, dir, { fetch: fetch404, mirrors: ['http://bad/', 'http://m1/'], checksums });
    expect(await readdir(dir)).toEqual([`${FILE}.gz`]);
    const down = fakeServer(files, { status: 503 });
    await expect(downloadIdxFile('mnist', FILE, await tempDir(), { fetch: down.fetch, mirrors: ['http://a/', 'http://b/'], checksums })).rejects.toThrow(
      `(http://a/${FILE}.gz: HTTP 503 | http://b/${FILE}.gz: HTTP 503); check the network, or put the files in a directory and pass --data-dir DIR`,
    );
  });
});

describe('loadMnistLike with download: true', () => {
  it('fetches missing files into <cacheDir>/<name> once, then reads the cache', async () => {
    const cacheDir = await tempDir();
    const server = fakeServer(files);
    const opts = { cacheDir, systemDirs: [], download: true, fetch: server.fetch, mirrors, checksums };
    const ds = await loadMnistLike('mnist', 'train', opts);
    expect(ds.images).toEqual(fixtureImages(30));
    expect((await readdir(join(cacheDir, 'mnist'))).sort()).toEqual(['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz']);
    expect(server.requests).toHaveLength(2);
    await loadMnistLike('mnist', 'train', opts);
    expect(server.requests).toHaveLength(2);
  });

  it('never fetches without download: true', async () => {
    const server = fakeServer(files);
    await expect(loadMnistLike('mnist', 'train', { cacheDir: await tempDir(), systemDirs: [], fetch: server.fetch, mirrors })).rejects.toThrow(/not found; looked in/);
    expect(server.requests).toHaveLength(0);
  });
});
