import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadCifar } from './load-cifar';
import { useTempDirs } from './test-utils/mnist-like-fixture';
import { fakeCifar10Label, writeLargeFakeCifar10Archive } from './test-utils/official-layouts';

const tempDir = useTempDirs();
const MB = 1 << 20;
const PER_BATCH = 10_000;
const N = 5 * PER_BATCH;
const OUTPUT = N * 3072;
/**
 * Live memory beyond the returned arrays (153.6 MB of images for 50,000 records) may be only
 * buffers: a 1 MiB file chunk, 64 KiB gunzip chunks and a record. The threshold, 24 MB, fails if
 * an archive member (30.7 MB) or the archive (~100+ MB) were buffered. Samples are taken after a
 * forced GC, since spent stream chunks are garbage that V8 frees lazily (without GC the peak
 * includes ~150 MB of such garbage, reported for information).
 */
const SLACK = 24 * MB;

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('CIFAR-10 streaming', () => {
  it('reads a CIFAR-sized tar.gz (50,000 records) with memory bounded by its output', async () => {
    const dir = await tempDir();
    const archive = join(dir, 'cifar-10-binary.tar.gz');
    await writeLargeFakeCifar10Archive(archive, PER_BATCH);
    expect((await stat(archive)).size).toBeGreaterThan(100_000);

    const gc = exposeGc();
    gc();
    const base = process.memoryUsage();
    let peakExternal = 0;
    let peakHeap = 0;
    let samples = 0;
    // Read usage first, then collect: ArrayBuffer memory is swept concurrently after a GC, so each
    // reading shows the previous collection's result plus at most one interval of new garbage.
    const sample = () => {
      const m = process.memoryUsage();
      peakExternal = Math.max(peakExternal, m.arrayBuffers - base.arrayBuffers);
      peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
      samples++;
      gc();
    };
    const timer = setInterval(sample, 50);
    const t0 = performance.now();
    const ds = await loadCifar('cifar10', 'train', { dir, verify: false });
    const ms = performance.now() - t0;
    clearInterval(timer);
    sample();
    console.info(
      `CIFAR stream: ${N} records in ${ms.toFixed(0)} ms; ${samples} samples; live peak +${(peakExternal / MB).toFixed(1)} MB array buffers ` +
        `(output ${(OUTPUT / MB).toFixed(1)} MB), +${(peakHeap / MB).toFixed(1)} MB heap`,
    );

    expect(ds.n).toBe(N);
    expect(ds.classNames).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    // Records were stored batch 3, 1, 5, 2, 4; each lands at its batch's place, every byte of image n is n mod 256.
    for (let n = 0; n < N; n++) {
      if (ds.labels[n] !== fakeCifar10Label(n, 0)) throw new Error(`label ${n}: ${ds.labels[n]}`);
      const img = ds.images.subarray(n * 3072, (n + 1) * 3072);
      if (img[0] !== (n & 255) || img[3071] !== (n & 255) || img[1537] !== (n & 255)) throw new Error(`image ${n} misplaced`);
    }
    expect(samples).toBeGreaterThan(5);
    expect(peakExternal).toBeLessThan(OUTPUT + SLACK);
    expect(peakHeap).toBeLessThan(SLACK);
  });
});
