import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTinyImagenet, type TinyImagenetDataset } from './tiny-imagenet';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { FAKE_TINY_CLASSES, writeFakeTinyImagenet, type FakeSplit } from './test-utils/tiny-imagenet-fixture';

const tempDir = useTempDirs();
const PIXELS = 64 * 64 * 3;

function meanAbs(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Every loaded image is within JPEG error of its own source image and far from every other one. */
function expectImages(ds: TinyImagenetDataset, want: FakeSplit): void {
  expect(ds.files).toEqual(want.files);
  expect(Array.from(ds.labels)).toEqual(Array.from(want.labels));
  expect(ds.images.length).toBe(want.files.length * PIXELS);
  for (let i = 0; i < ds.n; i++) {
    const got = ds.images.subarray(i * PIXELS, (i + 1) * PIXELS);
    expect(meanAbs(got, want.images.subarray(i * PIXELS, (i + 1) * PIXELS))).toBeLessThan(1.5);
    for (let j = 0; j < ds.n; j++) {
      if (j !== i) expect(meanAbs(got, want.images.subarray(j * PIXELS, (j + 1) * PIXELS))).toBeGreaterThan(4);
    }
  }
}

describe('loadTinyImagenet', () => {
  it('reads train from the zip with labels in sorted wnid order, not wnids.txt order', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir, { perClass: 3 });
    const checksums = { 'tiny-imagenet-200.zip': fake.checksum };
    const ds = await loadTinyImagenet('train', { dir, checksums });
    expect(FAKE_TINY_CLASSES).not.toEqual([...FAKE_TINY_CLASSES].sort());
    expect(ds.classNames).toEqual([...FAKE_TINY_CLASSES].sort());
    expect(ds.wnids).toEqual(ds.classNames);
    expect(ds.words).toEqual(fake.expected.words);
    expect([ds.name, ds.split, ds.n, ds.height, ds.width, ds.channels, ds.numClasses]).toEqual(['tiny-imagenet-200', 'train', 15, 64, 64, 3, 5]);
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    expect(ds.files.slice(0, 4)).toEqual([
      'train/n01443537/images/n01443537_0.JPEG',
      'train/n01443537/images/n01443537_1.JPEG',
      'train/n01443537/images/n01443537_2.JPEG',
      'train/n01629819/images/n01629819_0.JPEG',
    ]);
    expectImages(ds, fake.expected.train);
  });

  it('expands the grayscale JPEG to three equal channels', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir);
    const ds = await loadTinyImagenet('train', { dir, checksums: { 'tiny-imagenet-200.zip': fake.checksum } });
    const i = ds.files.indexOf(fake.grayscaleFile);
    expect(i).toBeGreaterThanOrEqual(0);
    const img = ds.images.subarray(i * PIXELS, (i + 1) * PIXELS);
    for (let p = 0; p < 64 * 64; p++) {
      expect(img[p * 3]).toBe(img[p * 3 + 1]);
      expect(img[p * 3]).toBe(img[p * 3 + 2]);
    }
    expect(img[0]).toBe(40);
    expect(img[(63 * 64 + 63) * 3]).toBe(40 + 7 * 20 + 7 * 5);
  });

  it('reads val (also as "test") with labels from val_annotations.txt', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir, { valPerClass: 2 });
    const opts = { dir, checksums: { 'tiny-imagenet-200.zip': fake.checksum } };
    const val = await loadTinyImagenet('val', opts);
    expect([val.split, val.n]).toEqual(['test', 10]);
    expectImages(val, fake.expected.val);
    // val_0 is labelled with the last wnid in wnids.txt: n01629819, index 1 in sorted order.
    expect(val.labels[0]).toBe(1);
    const test = await loadTinyImagenet('test', opts);
    expect(test.images).toEqual(val.images);
    expect(test.labels).toEqual(val.labels);
  });

  it('reads an extracted folder the same as the zip', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir, { extracted: true });
    const fromZip = await loadTinyImagenet('train', { dir, checksums: { 'tiny-imagenet-200.zip': fake.checksum } });
    for (const root of [fake.rootDir!, join(dir, 'extracted')]) {
      const fromDir = await loadTinyImagenet('train', { dir: root });
      expect(fromDir.images).toEqual(fromZip.images);
      expect(fromDir.labels).toEqual(fromZip.labels);
      expect(fromDir.files).toEqual(fromZip.files);
    }
    const zipOnly = await loadTinyImagenet('val', { dir: fake.zipPath, verify: false });
    expect(zipOnly.n).toBe(10);
  });

  it('limit keeps a class-balanced subset in stored order', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir, { perClass: 4 });
    const progress: number[] = [];
    const ds = await loadTinyImagenet('train', { dir, limit: 7, checksums: { 'tiny-imagenet-200.zip': fake.checksum }, onDecodeProgress: (d) => progress.push(d) });
    expect(ds.n).toBe(7);
    // First file of all five classes, then the second file of classes 0 and 1.
    expect(Array.from(ds.labels)).toEqual([0, 0, 1, 1, 2, 3, 4]);
    const all = await loadTinyImagenet('train', { dir, verify: false });
    const kept = [0, 1, 4, 5, 8, 12, 16];
    expect(ds.files).toEqual(kept.map((i) => all.files[i]));
    kept.forEach((i, k) => expect(ds.images.subarray(k * PIXELS, (k + 1) * PIXELS)).toEqual(all.images.subarray(i * PIXELS, (i + 1) * PIXELS)));
    expect(progress).toEqual([7]);
    await expect(loadTinyImagenet('train', { dir, limit: -1 })).rejects.toThrow('limit must be a non-negative integer, got -1');
  });

  it('checks the zip against the official md5 by default', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir);
    await expect(loadTinyImagenet('val', { dir })).rejects.toThrow(
      `${fake.zipPath}: wrong size for tiny-imagenet-200 tiny-imagenet-200.zip: expected 248100043 bytes, found ${fake.checksum.bytes}`,
    );
    const wrongMd5 = { 'tiny-imagenet-200.zip': { bytes: fake.checksum.bytes, md5: '0'.repeat(32) } };
    await expect(loadTinyImagenet('val', { dir, checksums: wrongMd5 })).rejects.toThrow(`md5 mismatch for tiny-imagenet-200 tiny-imagenet-200.zip`);
    expect((await loadTinyImagenet('val', { dir, verify: false })).n).toBe(10);
  });

  it('says which file it needs and where to get it when nothing is found', async () => {
    const dir = await tempDir();
    await expect(loadTinyImagenet('train', { dir })).rejects.toThrow(
      `tiny-imagenet-200: files not found; looked only in ${dir} (option dir). Expected tiny-imagenet-200.zip ` +
        '(248100043 bytes, md5 90528d7ca1a48142e341f4ef8d21d0de) from http://cs231n.stanford.edu/tiny-imagenet-200.zip',
    );
    const cacheDir = await tempDir();
    await expect(loadTinyImagenet('train', { cacheDir })).rejects.toThrow(
      `or pass --download (option download: true) to fetch it into ${join(cacheDir, 'tiny-imagenet-200')}`,
    );
    await expect(loadTinyImagenet('extra' as 'train', { dir })).rejects.toThrow('unknown split "extra"');
  });

  it('downloads into the cache with resume and checksum, then loads', async () => {
    const src = await tempDir();
    const fake = await writeFakeTinyImagenet(src);
    const zip = new Uint8Array(await (await import('node:fs/promises')).readFile(fake.zipPath));
    const cacheDir = await tempDir();
    const cache = join(cacheDir, 'tiny-imagenet-200');
    await (await import('node:fs/promises')).mkdir(cache, { recursive: true });
    await writeFile(join(cache, 'tiny-imagenet-200.zip.part'), zip.subarray(0, 1000));
    const requests: (string | null)[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const range = new Headers(init?.headers).get('range');
      requests.push(`${String(input)} ${range}`);
      const start = range ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0;
      const body = zip.subarray(start);
      const headers: Record<string, string> = { 'content-length': String(body.length) };
      if (start) headers['content-range'] = `bytes ${start}-${zip.length - 1}/${zip.length}`;
      return new Response(body, { status: start ? 206 : 200, headers });
    };
    const checksums = { 'tiny-imagenet-200.zip': fake.checksum };
    const ds = await loadTinyImagenet('val', { cacheDir, download: true, fetch, mirrors: ['http://mirror/'], checksums });
    expect(requests).toEqual(['http://mirror/tiny-imagenet-200.zip bytes=1000-']);
    expect(await readdir(cache)).toEqual(['tiny-imagenet-200.zip']);
    expect(Array.from(ds.labels)).toEqual(Array.from(fake.expected.val.labels));
  });

  it('names the zip entry when an image is corrupt, and a class folder when it is missing', async () => {
    const dir = await tempDir();
    const fake = await writeFakeTinyImagenet(dir, { extracted: true });
    const bytes = new Uint8Array(await (await import('node:fs/promises')).readFile(fake.zipPath));
    const file = 'tiny-imagenet-200/val/images/val_3.JPEG';
    const at = Buffer.from(bytes).indexOf(Buffer.from(file)) + file.length + 200; // inside the stored JPEG
    bytes[at] ^= 0xff;
    await writeFile(fake.zipPath, bytes);
    await expect(loadTinyImagenet('val', { dir, verify: false })).rejects.toThrow(`${fake.zipPath}: entry "${file}": CRC-32 mismatch`);
    await rm(join(fake.rootDir!, 'train', 'n02123045'), { recursive: true });
    await expect(loadTinyImagenet('train', { dir: fake.rootDir! })).rejects.toThrow(
      `${fake.rootDir!}/train/n02123045/images: no JPEG images for class n02123045 (listed in wnids.txt)`,
    );
  });
});
