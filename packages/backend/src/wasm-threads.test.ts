import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_THREADS, MAX_WASM_THREADS, wasmThreadsFromEnv, xnnpackThreads } from './wasm-threads';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(pkgDir, 'dist', 'index.js');

/**
 * A real child process (the thread pool is fixed per process) that selects wasm with FLOAT_THREADS = n,
 * runs a convolution's forward and both backward kernels and a matrix product, and prints the thread
 * count and the outputs' bits. It must also exit on its own: the pool's workers may not hold Node open.
 */
function runChild(
  threads: number,
  env: Record<string, string> = {},
): { threads: number; native?: { isa: string; threads: number }; bits: string; skipped: Array<{ name: string; error: string }>; ms: number } {
  const code = `
const tf = await import('@tensorflow/tfjs-core');
const { selectBackend } = await import(${JSON.stringify(dist)});
const b = await selectBackend('wasm');
let s = 12345;
const rnd = (n) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5);
const x = tf.tensor4d(rnd(8 * 17 * 17 * 24), [8, 17, 17, 24]);
const w = tf.tensor4d(rnd(3 * 3 * 24 * 40), [3, 3, 24, 40]);
const [dx, dw] = tf.grads((a, k) => tf.sum(tf.square(tf.conv2d(a, k, 2, 'same'))))([x, w]);
const m = tf.matMul(tf.tensor2d(rnd(300 * 500), [300, 500]), tf.tensor2d(rnd(500 * 200), [500, 200]));
const parts = [tf.conv2d(x, w, 1, 'same'), dx, dw, m].map((t) => Buffer.from(t.dataSync().buffer).toString('base64'));
const { createHash } = await import('node:crypto');
process.stdout.write(JSON.stringify({ threads: b.threads, native: b.native, skipped: b.skipped, bits: createHash('sha256').update(parts.join('|')).digest('hex') }));`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: pkgDir,
    env: { ...process.env, FLOAT_THREADS: String(threads), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child with FLOAT_THREADS=${threads} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout), ms: Date.now() - t0 };
}

describe('FLOAT_THREADS', () => {
  it('defaults to the usable cores (no cap of 8: the native pool takes up to 256) and names the variable when it is wrong', () => {
    expect(wasmThreadsFromEnv({})).toBe(Math.min(MAX_THREADS, os.availableParallelism()));
    expect(wasmThreadsFromEnv({ FLOAT_THREADS: '3' })).toBe(3);
    expect(wasmThreadsFromEnv({ FLOAT_THREADS: '16' })).toBe(16);
    for (const bad of ['0', '257', '1.5', 'two', '-1']) {
      expect(() => wasmThreadsFromEnv({ FLOAT_THREADS: bad })).toThrow(`FLOAT_THREADS: expected an integer from 1 to 256, got "${bad}"`);
    }
  });

  it('XNNPACK takes at most its 8 workers of a larger pool, and 1 beside the native kernels', () => {
    expect(xnnpackThreads({}, 16, false)).toBe(MAX_WASM_THREADS);
    expect(xnnpackThreads({}, 3, false)).toBe(3);
    expect(xnnpackThreads({}, 16, true)).toBe(1);
    expect(() => xnnpackThreads({ FLOAT_WASM_THREADS: '9' }, 2, false)).toThrow('FLOAT_WASM_THREADS: expected an integer from 1 to 8, got "9"');
  });
});

describe('threaded wasm backend (child processes of the build; nx builds before test)', () => {
  // XNNPACK runs the convolutions only without the native kernels.
  const xnnpack = { FLOAT_NATIVE: 'off' };

  it('runs XNNPACK on 2 threads, gives bit-identical results to 1 thread, and lets the process exit', () => {
    const one = runChild(1, xnnpack);
    const two = runChild(2, xnnpack);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(two.bits).toBe(one.bits);
  }, 150_000);

  it('with native kernels: FLOAT_THREADS sizes their pool (1, 2, 3, 16), XNNPACK keeps 1 thread, results are bit-identical', (ctx) => {
    const one = runChild(1, { FLOAT_NATIVE: 'auto' });
    if (!one.native) return ctx.skip();
    const two = runChild(2, { FLOAT_NATIVE: 'auto' });
    expect(one.native.threads).toBe(1);
    expect(two.native!.threads).toBe(2);
    expect(two.threads).toBe(1);
    expect(two.bits).toBe(one.bits);
    for (const threads of [3, 16]) {
      const r = runChild(threads, { FLOAT_NATIVE: 'auto' });
      expect(r.native!.threads).toBe(threads);
      expect(r.bits, `${threads} threads`).toBe(one.bits);
    }
    expect(runChild(2, { FLOAT_NATIVE: 'auto', FLOAT_WASM_THREADS: '2' }).threads).toBe(2);
  }, 150_000);

  it('falls back to one XNNPACK thread, saying why, when the worker script cannot be written', () => {
    // A temp "directory" that is a file: writing the pthread worker script fails even for root.
    const notADir = join(mkdtempSync(join(tmpdir(), 'floatjs-tmp-')), 'file');
    writeFileSync(notADir, '');
    const r = runChild(2, { TMPDIR: notADir, ...xnnpack });
    expect(r.threads).toBe(1);
    expect(r.skipped).toEqual([expect.objectContaining({ name: 'wasm-threads', error: expect.stringMatching(/ENOTDIR|EEXIST|ENOENT/) })]);
    expect(r.bits).toBe(runChild(1, xnnpack).bits);
  }, 150_000);
});
