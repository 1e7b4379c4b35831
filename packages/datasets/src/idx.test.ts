import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maybeGunzip } from './gzip';
import { encodeIdx, parseIdx } from './idx';
import { fixtureFiles, fixtureImages, useTempDirs, writeFiles } from './test-utils/mnist-like-fixture';

const tempDir = useTempDirs();

describe('parseIdx / encodeIdx', () => {
  it('round-trips a 3-D array', () => {
    const data = fixtureImages(3);
    const parsed = parseIdx(encodeIdx([3, 28, 28], data), 'x');
    expect(parsed.dims).toEqual([3, 28, 28]);
    expect(parsed.data).toEqual(data);
  });

  it('writes the official header: magic 00 00 08 03, big-endian dims, pixels at offset 16', () => {
    const bytes = encodeIdx([2, 28, 28], fixtureImages(2));
    expect([...bytes.subarray(0, 16)]).toEqual([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
    expect(bytes.length).toBe(16 + 2 * 784);
    expect([...encodeIdx([5], new Uint8Array(5)).subarray(0, 8)]).toEqual([0, 0, 8, 1, 0, 0, 0, 5]);
  });

  for (const gzip of [false, true]) {
    it(`reads files written in the official layout (${gzip ? '.gz' : 'raw'})`, async () => {
      const dir = await tempDir();
      const files = fixtureFiles(12, 7);
      await writeFiles(dir, files, { gzip });
      const name = 't10k-images-idx3-ubyte';
      const path = join(dir, gzip ? `${name}.gz` : name);
      const images = parseIdx(maybeGunzip(await readFile(path), path), path);
      expect(images.dims).toEqual([7, 28, 28]);
      expect(images.data).toEqual(files[name].subarray(16));
      const labels = parseIdx(maybeGunzip(await readFile(path.replace('images-idx3', 'labels-idx1')), 'l'), 'l');
      expect(labels.dims).toEqual([7]);
    });
  }

  const good = () => encodeIdx([4, 28, 28], fixtureImages(4));

  it('names the file and the sizes when the data is truncated', () => {
    expect(() => parseIdx(good().subarray(0, 100), 'a.idx')).toThrow(
      /^a\.idx: truncated IDX file: header says 4×28×28 = 3136 bytes of data, found 84$/,
    );
  });

  it('rejects a truncated header', () => {
    expect(() => parseIdx(good().subarray(0, 10), 'a.idx')).toThrow(/a\.idx: truncated IDX header: 3 dimensions need 16/);
    expect(() => parseIdx(new Uint8Array(2), 'a.idx')).toThrow(/need at least 4 bytes/);
  });

  it('rejects a wrong magic number', () => {
    const bytes = good();
    bytes[0] = 0x1f;
    expect(() => parseIdx(bytes, 'a.idx')).toThrow(/^a\.idx: not an IDX file: expected magic bytes 00 00 at offset 0, found 1f 00$/);
  });

  it('rejects a non-byte element type', () => {
    const bytes = good();
    bytes[2] = 0x0d;
    expect(() => parseIdx(bytes, 'a.idx')).toThrow(/expected 0x08 \(unsigned byte\), found 0x0d \(float32\)/);
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([...good(), 0, 0]);
    expect(() => parseIdx(bytes, 'a.idx')).toThrow(/a\.idx: IDX file has trailing bytes: header says .* found 3138/);
  });

  it('reports corrupt gzip with the file name', () => {
    expect(() => maybeGunzip(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), 'b.gz')).toThrow(/^b\.gz: corrupt gzip data/);
  });
});
