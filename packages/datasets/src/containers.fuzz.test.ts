import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader';
import { decompressChunks } from './decompress-chunks';
import { loadStl10 } from './load-stl10';
import { loadSvhn } from './load-svhn';
import { readMat } from './mat5-reader';
import { createRng, type Rng } from './rng';
import { readTar } from './tar-reader';
import { chunked } from './test-utils/chunked';
import { doubleVar, matFile, uint8Var } from './test-utils/mat5-write';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { fakeSvhnMat, writeFakeStl10 } from './test-utils/official-layouts';
import { tarBytes } from './test-utils/tar-write';

const tempDir = useTempDirs();
const MB = 1 << 20;

/** A random corruption: truncation, bit flips, or a random 32-bit word (sizes, dims, tags) at a random place. */
function mutate(good: Uint8Array, rng: Rng, headerBytes: number): Uint8Array {
  const bad = Uint8Array.from(good);
  const kind = rng.nextInt(4);
  if (kind === 0) return bad.subarray(0, rng.nextInt(bad.length));
  const at = rng.nextInt(Math.min(bad.length, kind === 3 ? bad.length : headerBytes));
  if (kind === 1 || kind === 3) bad[at] ^= 1 << rng.nextInt(8);
  else if (at + 4 <= bad.length) {
    // Often a huge value: 2^32 − 1, 2^31, or random.
    const words = [0xffffffff, 0x80000000, 0x7fffffff, rng.nextUint32()];
    new DataView(bad.buffer).setUint32(at, words[rng.nextInt(words.length)], rng.nextInt(2) === 0);
  }
  return bad;
}

/** Runs `attempt` on many mutations; each must succeed or fail with an Error naming `label`, within bounded memory. */
async function fuzz(
  name: string,
  good: Uint8Array,
  headerBytes: number,
  cases: number,
  label: string,
  attempt: (bytes: Uint8Array) => Promise<void>,
): Promise<void> {
  const rng = createRng(name.length, 1234);
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let rejected = 0;
  const t0 = performance.now();
  await attempt(good);
  for (let i = 0; i < cases; i++) {
    const bad = mutate(good, rng, headerBytes);
    try {
      await attempt(bad);
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
      if (!(err as Error).message.startsWith(label)) throw err;
      rejected++;
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
  }
  const ms = performance.now() - t0;
  console.info(`${name} fuzz: ${cases} cases, ${rejected} rejected, peak +${(peak / MB).toFixed(1)} MB array buffers, ${ms.toFixed(0)} ms`);
  expect(rejected).toBeGreaterThan(cases / 4);
  // No case may allocate what a corrupt header claims: the mutations write 2^31, 2^32 − 1 or random
  // words, i.e. claims of gigabytes. The peak also counts garbage of earlier cases that V8 has not
  // freed yet (tens of MB), hence the margin.
  expect(peak).toBeLessThan(200 * MB);
  expect(ms).toBeLessThan(20_000);
}

describe('container fuzz', () => {
  it('tar and tar.gz: truncations, bit flips and huge size fields fail cleanly', async () => {
    const long = `${'dir/'.repeat(30)}member-with-a-long-name.bin`;
    const tar = tarBytes([
      { name: 'top/', type: '5' },
      { name: long, data: Uint8Array.from({ length: 1500 }, (_, i) => i & 255), longName: 'gnu' },
      { name: `${long}.pax`, data: new Uint8Array(700).fill(3), longName: 'pax' },
      { name: 'top/small.txt', data: new TextEncoder().encode('hello\n') },
    ]);
    const readAll = async (source: AsyncIterable<Uint8Array>, label: string) => {
      for await (const e of readTar(new ByteReader(source, label))) {
        // Stream the body rather than bytes(): a corrupt size must not turn into an allocation.
        for await (const _ of e.chunks()) void _;
      }
    };
    await fuzz('tar', tar, 2048, 1500, 'a.tar', (b) => readAll(chunked(b, 700), 'a.tar'));
    const gz = new Uint8Array(gzipSync(tar));
    await fuzz('tar.gz', gz, gz.length, 500, 'a.tar.gz', (b) => readAll(decompressChunks(chunked(b, 300), 'gzip', 'a.tar.gz'), 'a.tar.gz'));
  });

  it('MAT v5: truncations, bit flips and oversized dims/tags fail cleanly (plain and compressed)', async () => {
    const x = Uint8Array.from({ length: 32 * 32 * 3 * 2 }, (_, i) => (i * 5) & 255);
    for (const compress of [false, true]) {
      const file = matFile([uint8Var('X', [32, 32, 3, 2], x), doubleVar('y', [2, 1], [10, 3], !compress)], { compress });
      const readAll = async (b: Uint8Array) => {
        for await (const v of readMat(new ByteReader(chunked(b, 512), 'f.mat'), { size: b.length })) {
          if (v.classId >= 6 && v.classId <= 15) {
            if (v.dataType === 2) for await (const _ of v.chunks()) void _;
            else await v.numbers(1 << 16);
          }
        }
      };
      // Headers and tags sit in the first ~250 bytes of each element; flips there hit dims and sizes.
      await fuzz(`mat (${compress ? 'compressed' : 'plain'})`, file, compress ? file.length : 256, 1500, 'f.mat', readAll);
    }
  });

  it('SVHN loader on mutated files: no oversized allocation, errors name the file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'test_32x32.mat');
    await fuzz('svhn loader', fakeSvhnMat(3, 100), 400, 300, path, async (b) => {
      await writeFile(path, b);
      const ds = await loadSvhn('test', { dir, verify: false });
      expect(ds.images.length).toBe(ds.n * 3072);
    });
  });

  it('STL-10 loader on mutated archives, label files and fold files', async () => {
    const fake = await writeFakeStl10(await tempDir(), { train: 3, test: 2, unlabeled: 1, layout: 'archive' });
    const { readFile } = await import('node:fs/promises');
    const gz = new Uint8Array(await readFile(fake.archive!));
    await fuzz('stl10 archive', gz, gz.length, 120, fake.archive!, async (b) => {
      await writeFile(fake.archive!, b);
      const ds = await loadStl10('train', { dir: fake.dir, verify: false, fold: 1 });
      expect(ds.images.length).toBe(ds.n * 27648);
    });
    const flat = await writeFakeStl10(await tempDir(), { train: 3, test: 2, unlabeled: 1, layout: 'flat' });
    const folds = join(flat.dir, 'fold_indices.txt');
    await fuzz('stl10 folds', flat.files['fold_indices.txt'], 40, 150, folds, async (b) => {
      await writeFile(folds, b);
      await loadStl10('train', { dir: flat.dir, verify: false, fold: 2 });
    });
    const labels = join(flat.dir, 'train_y.bin');
    await fuzz('stl10 labels', flat.files['train_y.bin'], 3, 100, labels, async (b) => {
      await writeFile(labels, b);
      await loadStl10('train', { dir: flat.dir, verify: false });
    });
  });
});
