import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli as run } from './test-utils/run-cli';


describe('float CLI bad input: one line naming what was wrong, non-zero exit', () => {
  afterEach(() => vi.restoreAllMocks());

  it('--version prints the package version and exits 0', async () => {
    let stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    try {
      const r = await run('--version');
      expect(r.code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('unknown preset', async () => {
    const r = await run('train', '--preset', 'cifar-huge', '--method', 'float');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--preset: unknown preset "cifar-huge"; expected one of: fmnist-quick/);
  });

  it('unknown method', async () => {
    const r = await run('train', '--preset', 'fmnist-quick', '--method', 'magic');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--method: unknown method "magic"; expected one of: standard, pgd-at, float/);
  });

  it('missing dataset directory', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'floatjs-empty-'));
    const r = await run('train', '--preset', 'fmnist-quick', '--data-dir', empty, '--backend', 'cpu', '--quiet', '--out', join(empty, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(empty);
    expect(r.stderr).toMatch(/train-images-idx3-ubyte/);
  });

  it('not a checkpoint directory', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'floatjs-empty-'));
    const r = await run('eval', empty);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recipe\.json: not found; expected a checkpoint directory/);
  });

  it('bad numbers and unknown backends', async () => {
    expect((await run('train', '--preset', 'fmnist-quick', '--epochs', 'many')).stderr).toMatch(/--epochs expects a number, got "many"/);
    const r = await run('train', '--preset', 'fmnist-quick', '--backend', 'tpu', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--backend: unknown backend "tpu"; expected one of auto, tensorflow, webgpu, wasm, cpu/);
  });

  it('--on-divergence takes stop or rollback', async () => {
    const r = await run('train', '--preset', 'fmnist-quick', '--on-divergence', 'retry');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--on-divergence expects stop or rollback, got "retry"/);
  });

  it('--threads out of range or not an integer, on every command that starts a backend', async () => {
    for (const cmd of [['bench', '--workload', 'cnn-s-pgd7'], ['train', '--preset', 'fmnist-quick'], ['eval', 'runs/x']]) {
      const r = await run(...cmd, '--threads', '0');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/--threads expects 1 to 256, got 0/);
    }
    expect((await run('bench', '--workload', 'cnn-s-pgd7', '--threads', '1.5')).stderr).toMatch(/--threads expects an integer, got "1.5"/);
    expect((await run('bench', '--workload', 'cnn-s-pgd7', '--batch-size', 'x')).stderr).toMatch(/--batch-size expects a number, got "x"/);
    expect((await run('bench', '--workload', 'cnn-s-pgd7', '--batch-size', '8', '--batch', '16')).stderr).toMatch(/--batch-size: given twice/);
  });
});
