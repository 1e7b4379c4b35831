/**
 * Small stand-ins for the official distribution files (same names, layouts and byte orders), for
 * tests here and in other packages. Pixels follow `fakePixel`, which differs when row and column or
 * channels are swapped, so a transposition bug changes the loaded bytes. Checksums do not match the
 * official ones: load fakes with `verify: false`. Depends only on Node built-ins.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { doubleVar, matFile, uint8Var } from './mat5-write';
import { tarBytes, tarEntryBytes, tarHeader } from './tar-write';

/** What a loader should return for one split: NHWC bytes and 0-based labels. */
export interface FakeSplit {
  images: Uint8Array;
  labels: Uint8Array;
}

/** `extracted`: members in the archive's top folder; `flat`: members directly in `dir`; `archive`: only the .tar.gz. */
export type FakeLayout = 'extracted' | 'flat' | 'archive';

/** Pixel value of example n at (row r, col k, channel c); `salt` tells splits apart. */
export function fakePixel(n: number, r: number, k: number, c: number, salt = 0): number {
  return (n * 37 + r * 11 + k * 3 + c * 101 + salt) & 255;
}

/** NHWC images built straight from fakePixel: the loaders' expected output. */
export function fakeImagesHwc(count: number, side: number, salt: number): Uint8Array {
  const out = new Uint8Array(count * side * side * 3);
  let i = 0;
  for (let n = 0; n < count; n++) for (let r = 0; r < side; r++) for (let k = 0; k < side; k++) for (let c = 0; c < 3; c++) out[i++] = fakePixel(n, r, k, c, salt);
  return out;
}

/** One image as planes (all R, then G, then B), each row-major (CIFAR) or column-major (SVHN, STL-10). */
export function fakePlanes(n: number, side: number, salt: number, columnMajor: boolean): Uint8Array {
  const out = new Uint8Array(side * side * 3);
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < side; r++) {
      for (let k = 0; k < side; k++) out[c * side * side + (columnMajor ? k * side + r : r * side + k)] = fakePixel(n, r, k, c, salt);
    }
  }
  return out;
}

const SALT = { train: 0, test: 100, extra: 50, unlabeled: 200 } as const;

async function writeLayout(dir: string, folder: string, archiveName: string, files: Record<string, Uint8Array>, layout: FakeLayout): Promise<string | undefined> {
  await mkdir(dir, { recursive: true });
  if (layout === 'archive') {
    const entries = [{ name: `${folder}/`, type: '5' }, ...Object.entries(files).map(([name, data]) => ({ name: `${folder}/${name}`, data }))];
    const archive = join(dir, archiveName);
    await writeFile(archive, gzipSync(tarBytes(entries)));
    return archive;
  }
  const target = layout === 'extracted' ? join(dir, folder) : dir;
  await mkdir(target, { recursive: true });
  for (const [name, data] of Object.entries(files)) await writeFile(join(target, name), data);
  return undefined;
}

export interface FakeCifarOptions {
  /** Training examples; for CIFAR-10 a multiple of 5 (five equal batch files). */
  train: number;
  test: number;
  layout?: FakeLayout;
}

export interface FakeCifarResult {
  dir: string;
  /** The .tar.gz path for layout 'archive'. */
  archive?: string;
  /** The raw member bytes, by name. */
  files: Record<string, Uint8Array>;
  expected: { train: FakeSplit; test: FakeSplit };
}

export function fakeCifar10Label(n: number, salt: number): number {
  return (n * 3 + salt + 1) % 10;
}

/** CIFAR-10 binary: data_batch_1..5.bin, test_batch.bin (1 label byte + 3,072 CHW bytes each), batches.meta.txt. */
export async function writeFakeCifar10(dir: string, opts: FakeCifarOptions): Promise<FakeCifarResult> {
  if (opts.train % 5 !== 0) throw new Error(`writeFakeCifar10: train must be a multiple of 5 (five equal batches), got ${opts.train}`);
  const records = (count: number, first: number, salt: number) => {
    const out = new Uint8Array(count * 3073);
    for (let i = 0; i < count; i++) {
      out[i * 3073] = fakeCifar10Label(first + i, salt);
      out.set(fakePlanes(first + i, 32, salt, false), i * 3073 + 1);
    }
    return out;
  };
  const per = opts.train / 5;
  const files: Record<string, Uint8Array> = {};
  for (let b = 0; b < 5; b++) files[`data_batch_${b + 1}.bin`] = records(per, b * per, SALT.train);
  files['test_batch.bin'] = records(opts.test, 0, SALT.test);
  files['batches.meta.txt'] = new TextEncoder().encode('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  const archive = await writeLayout(dir, 'cifar-10-batches-bin', 'cifar-10-binary.tar.gz', files, opts.layout ?? 'extracted');
  const split = (count: number, salt: number): FakeSplit => ({
    images: fakeImagesHwc(count, 32, salt),
    labels: Uint8Array.from({ length: count }, (_, n) => fakeCifar10Label(n, salt)),
  });
  return { dir, archive, files, expected: { train: split(opts.train, SALT.train), test: split(opts.test, SALT.test) } };
}

export function fakeCifar100Labels(n: number, salt: number): { coarse: number; fine: number } {
  return { coarse: (n * 3 + salt) % 20, fine: (n * 7 + salt + 2) % 100 };
}

export interface FakeCifar100Result extends FakeCifarResult {
  expected: { train: FakeSplit & { coarse: Uint8Array }; test: FakeSplit & { coarse: Uint8Array } };
}

/** CIFAR-100 binary: train.bin, test.bin (coarse byte, fine byte, 3,072 CHW bytes each), fine/coarse name lists. */
export async function writeFakeCifar100(dir: string, opts: FakeCifarOptions): Promise<FakeCifar100Result> {
  const records = (count: number, salt: number) => {
    const out = new Uint8Array(count * 3074);
    for (let i = 0; i < count; i++) {
      const { coarse, fine } = fakeCifar100Labels(i, salt);
      out[i * 3074] = coarse;
      out[i * 3074 + 1] = fine;
      out.set(fakePlanes(i, 32, salt, false), i * 3074 + 2);
    }
    return out;
  };
  const names = (prefix: string, count: number) => new TextEncoder().encode(Array.from({ length: count }, (_, i) => `${prefix}${i}\n`).join(''));
  const files: Record<string, Uint8Array> = {
    'train.bin': records(opts.train, SALT.train),
    'test.bin': records(opts.test, SALT.test),
    'fine_label_names.txt': names('fine_', 100),
    'coarse_label_names.txt': names('coarse_', 20),
  };
  const archive = await writeLayout(dir, 'cifar-100-binary', 'cifar-100-binary.tar.gz', files, opts.layout ?? 'extracted');
  const split = (count: number, salt: number) => ({
    images: fakeImagesHwc(count, 32, salt),
    labels: Uint8Array.from({ length: count }, (_, n) => fakeCifar100Labels(n, salt).fine),
    coarse: Uint8Array.from({ length: count }, (_, n) => fakeCifar100Labels(n, salt).coarse),
  });
  return { dir, archive, files, expected: { train: split(opts.train, SALT.train), test: split(opts.test, SALT.test) } };
}

export function fakeSvhnDigit(n: number, salt: number): number {
  return (n * 3 + salt) % 10;
}

export interface FakeSvhnOptions {
  train: number;
  test: number;
  /** Default 3. */
  extra?: number;
  /** Default true: miCOMPRESSED elements, as in the real files. */
  compress?: boolean;
  /**
   * How y is stored: `double-as-uint8` (double class in miUINT8 storage, MATLAB's habit; default),
   * `double` (miDOUBLE) or `uint8`.
   */
  labels?: 'double-as-uint8' | 'double' | 'uint8';
  bigEndian?: boolean;
}

export interface FakeSvhnResult {
  dir: string;
  files: Record<string, Uint8Array>;
  expected: { train: FakeSplit; test: FakeSplit; extra: FakeSplit };
}

/** One SVHN .mat file: X uint8 [32,32,3,N] column-major, y [N,1] with 10 for the digit 0. */
export function fakeSvhnMat(count: number, salt: number, opts: Omit<FakeSvhnOptions, 'train' | 'test' | 'extra'> = {}): Uint8Array {
  const x = new Uint8Array(count * 3072);
  for (let n = 0; n < count; n++) x.set(fakePlanes(n, 32, salt, true), n * 3072);
  const y = Array.from({ length: count }, (_, n) => fakeSvhnDigit(n, salt) || 10);
  const kind = opts.labels ?? 'double-as-uint8';
  const yVar = kind === 'uint8' ? uint8Var('y', [count, 1], Uint8Array.from(y)) : doubleVar('y', [count, 1], y, kind === 'double-as-uint8', opts.bigEndian);
  return matFile([uint8Var('X', [32, 32, 3, count], x), yVar], { compress: opts.compress ?? true, bigEndian: opts.bigEndian });
}

/** SVHN "Format 2": train_32x32.mat, test_32x32.mat and extra_32x32.mat in `dir`. */
export async function writeFakeSvhn(dir: string, opts: FakeSvhnOptions): Promise<FakeSvhnResult> {
  await mkdir(dir, { recursive: true });
  const counts = { train: opts.train, test: opts.test, extra: opts.extra ?? 3 };
  const files: Record<string, Uint8Array> = {};
  const expected = {} as FakeSvhnResult['expected'];
  for (const split of ['train', 'test', 'extra'] as const) {
    const salt = SALT[split];
    files[`${split}_32x32.mat`] = fakeSvhnMat(counts[split], salt, opts);
    await writeFile(join(dir, `${split}_32x32.mat`), files[`${split}_32x32.mat`]);
    expected[split] = {
      images: fakeImagesHwc(counts[split], 32, salt),
      labels: Uint8Array.from({ length: counts[split] }, (_, n) => fakeSvhnDigit(n, salt)),
    };
  }
  return { dir, files, expected };
}

export interface FakeStl10Options {
  train: number;
  test: number;
  /** Default 3. */
  unlabeled?: number;
  layout?: FakeLayout;
}

export interface FakeStl10Result {
  dir: string;
  archive?: string;
  files: Record<string, Uint8Array>;
  expected: { train: FakeSplit; test: FakeSplit; unlabeled: Uint8Array; folds: number[][] };
}

export function fakeStl10Label(n: number, salt: number): number {
  return (n * 7 + salt) % 10;
}

/** Fold f: every training index i with i % 10 !== f, in descending order (so file order matters). */
export function fakeStl10Folds(train: number): number[][] {
  return Array.from({ length: 10 }, (_, f) => Array.from({ length: train }, (_, j) => train - 1 - j).filter((i) => i % 10 !== f));
}

/** STL-10 binary: {train,test}_{X,y}.bin, unlabeled_X.bin (column-major planes), class_names.txt, fold_indices.txt. */
export async function writeFakeStl10(dir: string, opts: FakeStl10Options): Promise<FakeStl10Result> {
  const side = 96;
  const bytes = side * side * 3;
  const xFile = (count: number, salt: number) => {
    const out = new Uint8Array(count * bytes);
    for (let n = 0; n < count; n++) out.set(fakePlanes(n, side, salt, true), n * bytes);
    return out;
  };
  const yFile = (count: number, salt: number) => Uint8Array.from({ length: count }, (_, n) => fakeStl10Label(n, salt) + 1);
  const unlabeled = opts.unlabeled ?? 3;
  const folds = fakeStl10Folds(opts.train);
  const files: Record<string, Uint8Array> = {
    'train_X.bin': xFile(opts.train, SALT.train),
    'train_y.bin': yFile(opts.train, SALT.train),
    'test_X.bin': xFile(opts.test, SALT.test),
    'test_y.bin': yFile(opts.test, SALT.test),
    'unlabeled_X.bin': xFile(unlabeled, SALT.unlabeled),
    'class_names.txt': new TextEncoder().encode('airplane\nbird\ncar\ncat\ndeer\ndog\nhorse\nmonkey\nship\ntruck\n'),
    'fold_indices.txt': new TextEncoder().encode(folds.map((f) => `${f.join(' ')} \n`).join('')),
  };
  const archive = await writeLayout(dir, 'stl10_binary', 'stl10_binary.tar.gz', files, opts.layout ?? 'extracted');
  const split = (count: number, salt: number): FakeSplit => ({
    images: fakeImagesHwc(count, side, salt),
    labels: Uint8Array.from({ length: count }, (_, n) => fakeStl10Label(n, salt)),
  });
  return {
    dir,
    archive,
    files,
    expected: { train: split(opts.train, SALT.train), test: split(opts.test, SALT.test), unlabeled: fakeImagesHwc(unlabeled, side, SALT.unlabeled), folds },
  };
}

/**
 * A CIFAR-10-sized `cifar-10-binary.tar.gz` written with bounded memory (records generated and
 * gzipped on the fly), for streaming tests. Labels follow fakeCifar10Label; pixels are cheap
 * (index-based) rather than fakePixel so writing 50,000 records stays fast.
 */
export async function writeLargeFakeCifar10Archive(path: string, perBatch: number, testRecords = 10): Promise<void> {
  const gz = createGzip({ level: 1 });
  const out = createWriteStream(path);
  gz.pipe(out);
  const write = async (chunk: Uint8Array) => {
    if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
  };
  const member = async (name: string, count: number, first: number) => {
    await write(tarHeader(`cifar-10-batches-bin/${name}`, count * 3073));
    const block = 100;
    for (let i = 0; i < count; i += block) {
      const m = Math.min(block, count - i);
      const buf = new Uint8Array(m * 3073);
      for (let j = 0; j < m; j++) {
        const n = first + i + j;
        buf[j * 3073] = fakeCifar10Label(n, 0);
        buf.fill(n & 255, j * 3073 + 1, (j + 1) * 3073);
      }
      await write(buf);
    }
    await write(new Uint8Array((512 - ((count * 3073) % 512)) % 512));
  };
  // Stored out of order, as in the real archive, so the reader cannot rely on batch order.
  for (const b of [3, 1, 5, 2, 4]) await member(`data_batch_${b}.bin`, perBatch, (b - 1) * perBatch);
  await member('test_batch.bin', testRecords, 0);
  for (const part of tarEntryBytes({ name: 'cifar-10-batches-bin/batches.meta.txt', data: new TextEncoder().encode('a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n') })) await write(part);
  await write(new Uint8Array(1024));
  gz.end();
  await finished(out);
}
