import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach } from 'vitest';
import type { ChecksumTable, IdxChecksum } from '../checksums';
import { encodeIdx } from '../idx';
import { ALL_IDX_FILES, IDX_FILES, MNIST_LIKE_NAMES, type IdxFileName, type Split } from '../mnist-like-files';

export type RawFiles = Record<IdxFileName, Uint8Array>;

/** Pixel depends on (example, row, col) asymmetrically, so transposes and off-by-one offsets show. */
export function fixtureImages(n: number, salt = 0): Uint8Array {
  const out = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) out[i * 784 + r * 28 + c] = (i * 31 + r * 7 + c * 3 + salt) & 255;
  }
  return out;
}

export function fixtureLabels(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 3) % 10);
}

/** The four files in the official layout, with `nTrain` / `nTest` examples. */
export function fixtureFiles(nTrain = 30, nTest = 20): RawFiles {
  const split = (s: Split, n: number) => ({
    [IDX_FILES[s].images]: encodeIdx([n, 28, 28], fixtureImages(n, s === 'train' ? 0 : 100)),
    [IDX_FILES[s].labels]: encodeIdx([n], fixtureLabels(n)),
  });
  return { ...split('train', nTrain), ...split('test', nTest) } as RawFiles;
}

/** A checksum table (same entries for both datasets) describing exactly `files`. */
export function checksumsFor(files: RawFiles): ChecksumTable {
  const entry = (bytes: Uint8Array): IdxChecksum => {
    const gz = gzipSync(bytes);
    const sum = (b: Uint8Array) => ({
      bytes: b.length,
      sha256: createHash('sha256').update(b).digest('hex'),
      md5: createHash('md5').update(b).digest('hex'),
    });
    return { raw: sum(bytes), gz: sum(gz) };
  };
  const perFile = Object.fromEntries(ALL_IDX_FILES.map((f) => [f, entry(files[f])])) as Record<IdxFileName, IdxChecksum>;
  return Object.fromEntries(MNIST_LIKE_NAMES.map((n) => [n, perFile])) as unknown as ChecksumTable;
}

/** Writes `files` (a subset by default all) as `<name>` or `<name>.gz`. */
export async function writeFiles(dir: string, files: RawFiles, opts: { gzip: boolean; only?: IdxFileName[] }): Promise<void> {
  for (const f of opts.only ?? ALL_IDX_FILES) {
    await writeFile(join(dir, opts.gzip ? `${f}.gz` : f), opts.gzip ? gzipSync(files[f]) : files[f]);
  }
}

/** A fresh temp dir per call, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const d = await mkdtemp(join(tmpdir(), 'floatjs-datasets-'));
    made.push(d);
    return d;
  };
}
