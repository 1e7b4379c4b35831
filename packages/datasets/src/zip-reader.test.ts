import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './zip-crc32';
import { openZip, openZipBytes } from './zip-reader';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { writeZip, type ZipWriterEntry } from './test-utils/zip-writer';

const tempDir = useTempDirs();
const text = (s: string) => new TextEncoder().encode(s);
const noisy = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919 + (i >> 3) * 31) & 255);
const ENTRIES: ZipWriterEntry[] = [
  { name: 'top/' },
  { name: 'top/a.txt', data: text('hello zip\n'.repeat(50)), method: 'deflate' },
  { name: 'top/b.bin', data: noisy, method: 'store' },
  { name: 'top/empty', data: new Uint8Array(0), method: 'store' },
  { name: 'top/ünï.txt', data: text('utf-8 name'), method: 'deflate' },
];

function patch(bytes: Uint8Array, at: number, value: number, width: 2 | 4): Uint8Array {
  const out = Uint8Array.from(bytes);
  const dv = new DataView(out.buffer);
  if (width === 2) dv.setUint16(at, value, true);
  else dv.setUint32(at, value, true);
  return out;
}

/** Offset of the central directory header of entry k (the writer puts it right after the data). */
function centralHeader(zip: Uint8Array, k: number): number {
  const dv = new DataView(zip.buffer, zip.byteOffset);
  let p = dv.getUint32(zip.length - 22 + 16, true);
  for (let i = 0; i < k; i++) p += 46 + dv.getUint16(p + 28, true) + dv.getUint16(p + 30, true) + dv.getUint16(p + 32, true);
  return p;
}

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(noisy)).toBe(zlibCrc32(noisy));
    expect(crc32(noisy.subarray(100), crc32(noisy.subarray(0, 100)))).toBe(zlibCrc32(noisy));
  });
});

describe('zip reader', () => {
  for (const zip64 of [false, true]) {
    it(`round-trips stored, deflated, empty and folder entries${zip64 ? ' (zip64 records)' : ''}`, async () => {
      const bytes = writeZip(ENTRIES, { zip64, comment: 'a comment' });
      const path = join(await tempDir(), 'x.zip');
      await writeFile(path, bytes);
      for (const zip of [openZipBytes(bytes, 'mem.zip'), openZip(path)]) {
        expect(zip.entries.map((e) => e.name)).toEqual(ENTRIES.map((e) => e.name));
        expect(zip.entries.map((e) => e.isDirectory)).toEqual([true, false, false, false, false]);
        expect(zip.entries.map((e) => e.method)).toEqual([0, 8, 0, 0, 8]);
        for (const e of ENTRIES) expect(zip.read(e.name)).toEqual(e.data ?? new Uint8Array(0));
        expect(zip.entry('top/b.bin')?.uncompressedSize).toBe(noisy.length);
        expect(zip.entry('top/a.txt')!.compressedSize).toBeLessThan(100);
        expect(Object.getPrototypeOf(zip.read('top/a.txt'))).toBe(Uint8Array.prototype);
        zip.close();
      }
    });
  }

  it('reads entries in any order through one descriptor without loading the archive', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, data: text(`file ${i} `.repeat(i + 1)) }));
    const path = join(await tempDir(), 'many.zip');
    await writeFile(path, writeZip(many));
    const zip = openZip(path);
    for (const i of [39, 0, 17, 17, 3]) expect(new TextDecoder().decode(zip.read(`f${i}`))).toBe(`file ${i} `.repeat(i + 1));
    zip.close();
    expect(() => zip.read('f1')).toThrow(`${path}: read after close`);
  });

  it('reads all entries of an archive whose 16-bit entry count wrapped (more than 65,535 entries, no zip64)', () => {
    const n = 70_000;
    const bytes = writeZip(Array.from({ length: n }, (_, i) => ({ name: `e${i}`, data: new Uint8Array([i & 255]), method: 'store' as const })));
    expect(new DataView(bytes.buffer).getUint16(bytes.length - 22 + 10, true)).toBe(n - 65536);
    const zip = openZipBytes(bytes, 'big.zip');
    expect(zip.entries.length).toBe(n);
    expect(Array.from(zip.read('e69999'))).toEqual([69999 & 255]);
  });

  it('names the archive when it is truncated or not a zip', async () => {
    const bytes = writeZip(ENTRIES);
    expect(() => openZipBytes(bytes.subarray(0, bytes.length - 10), 'cut.zip')).toThrow(
      'cut.zip: no end-of-central-directory record: not a zip file, or truncated',
    );
    expect(() => openZipBytes(text('PK'), 'tiny.zip')).toThrow('tiny.zip: only 2 bytes: not a zip file, or truncated');
    const path = join(await tempDir(), 'missing.zip');
    expect(() => openZip(path)).toThrow(/ENOENT/);
  });

  it('reports a CRC mismatch in a stored entry, naming the entry', () => {
    const bytes = writeZip(ENTRIES);
    const zip = openZipBytes(bytes, 'x.zip');
    const e = zip.entry('top/b.bin')!;
    const flipped = Uint8Array.from(bytes);
    flipped[e.localHeaderOffset + 30 + e.name.length + 1234] ^= 0x10;
    expect(() => openZipBytes(flipped, 'x.zip').read('top/b.bin')).toThrow(/^x\.zip: entry "top\/b\.bin": CRC-32 mismatch: expected [0-9a-f]{8}, found [0-9a-f]{8}/);
  });

  it('reports corrupt deflate data, naming the entry', () => {
    const bytes = writeZip(ENTRIES);
    const e = openZipBytes(bytes).entry('top/a.txt')!;
    const start = e.localHeaderOffset + 30 + e.name.length;
    let errors = 0;
    for (let i = 0; i < e.compressedSize; i++) {
      const flipped = Uint8Array.from(bytes);
      flipped[start + i] ^= 0x04;
      expect(() => openZipBytes(flipped, 'x.zip').read('top/a.txt')).toThrow(/^x\.zip: entry "top\/a\.txt": /);
      errors++;
    }
    expect(errors).toBe(e.compressedSize);
  });

  it('rejects lying sizes and counts without allocating them', () => {
    const bytes = writeZip(ENTRIES);
    const eocd = bytes.length - 22;
    expect(() => openZipBytes(patch(bytes, eocd + 8, 60000, 2), 'x.zip')).toThrow('x.zip: end record says 60000 entries on this disk but 5 in total');
    const both = patch(patch(bytes, eocd + 8, 60000, 2), eocd + 10, 60000, 2);
    expect(() => openZipBytes(both, 'x.zip')).toThrow(/x\.zip: end record claims 60000 entries but the central directory holds only \d+ bytes/);
    expect(() => openZipBytes(patch(bytes, eocd + 12, 0x7fffffff, 4), 'x.zip')).toThrow(/runs past its end record/);
    const fewer = patch(patch(bytes, eocd + 8, 3, 2), eocd + 10, 3, 2);
    expect(() => openZipBytes(fewer, 'x.zip')).toThrow('x.zip: end record says 3 entries but the central directory holds 5 (corrupt archive)');

    const cdA = centralHeader(bytes, 1);
    const huge = patch(bytes, cdA + 24, 0xfffffff0, 4);
    expect(() => openZipBytes(huge, 'x.zip').read('top/a.txt')).toThrow(
      'x.zip: entry "top/a.txt": claims 4294967280 bytes uncompressed, more than maxEntryBytes 1073741824 (corrupt archive or zip bomb)',
    );
    expect(() => openZipBytes(huge, 'x.zip', { maxEntryBytes: 2 ** 33 }).read('top/a.txt')).toThrow(
      'x.zip: entry "top/a.txt": inflated to 500 bytes, expected 4294967280',
    );
    expect(() => openZipBytes(patch(bytes, cdA + 24, 100, 4), 'x.zip').read('top/a.txt')).toThrow(
      'x.zip: entry "top/a.txt": inflates to more than the 100 bytes recorded',
    );
    expect(() => openZipBytes(patch(bytes, cdA + 20, 0x7ffffff0, 4), 'x.zip').read('top/a.txt')).toThrow(/runs into the central directory/);
    expect(() => openZipBytes(patch(bytes, cdA + 42, 0x7ffffff0, 4), 'x.zip')).toThrow(
      /x\.zip: entry "top\/a\.txt": local header offset 2147483632 lies inside or past the central directory/,
    );
  });

  it('rejects unsupported methods and encryption, naming the entry', () => {
    const bytes = writeZip(ENTRIES);
    const cdA = centralHeader(bytes, 1);
    expect(() => openZipBytes(patch(bytes, cdA + 10, 12, 2), 'x.zip').read('top/a.txt')).toThrow(
      'x.zip: entry "top/a.txt": uses compression method 12; only stored (0) and deflate (8) are supported',
    );
    expect(() => openZipBytes(patch(bytes, cdA + 8, 0x0801, 2), 'x.zip').read('top/a.txt')).toThrow('is encrypted');
    expect(() => openZipBytes(bytes, 'x.zip').read('nope')).toThrow('x.zip: no entry named "nope"');
  });

  it('refuses a FIFO, /dev/zero or a directory by name instead of blocking in open or failing with a bare EISDIR', async () => {
    const dir = await tempDir();
    for (const kind of ['fifo', 'devzero', 'dir']) {
      const f = join(dir, `${kind}.zip`);
      if (kind === 'fifo') execFileSync('mkfifo', [f]);
      if (kind === 'devzero') await symlink('/dev/zero', f);
      if (kind === 'dir') await mkdir(f);
      expect(() => openZip(f)).toThrow(`${f}: not a regular file`);
    }
  });
});
