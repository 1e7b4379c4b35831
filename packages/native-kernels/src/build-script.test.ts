import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { prebuildKey } from './prebuilt';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the package's build inputs in a temp directory, so that failing builds leave the real one alone. */
function copyPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'floatjs-native-build-'));
  copies.push(dir);
  for (const part of ['binding.gyp', 'csrc', 'scripts', 'src']) cpSync(join(pkg, part), join(dir, part), { recursive: true });
  return dir;
}

function runBuild(dir: string, env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [join(dir, 'scripts', 'build-native.mjs'), ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('the install script (scripts/build-native.mjs)', () => {
  it('never fails the install: a broken compiler leaves BUILD_FAILED.txt and the loader reports it', async () => {
    const dir = copyPackage();
    const r = runBuild(dir, { CXX: 'false', CC: 'false' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/@floatjs\/native-kernels: native kernels not built \(node-gyp rebuild failed/);
    const failed = join(dir, 'build', 'BUILD_FAILED.txt');
    expect(readFileSync(failed, 'utf8')).toMatch(/^node-gyp rebuild failed \(exit \d+\)/);
    expect(existsSync(join(dir, 'build', 'Release', 'floatjs_native.node'))).toBe(false);
    const { loadNativeKernels } = await import(join(dir, 'src', 'index.ts'));
    const load = loadNativeKernels();
    expect(load).toEqual({ ok: false, reason: expect.stringMatching(/^@floatjs\/native-kernels: node-gyp rebuild failed/) });
    // `npm run build:native` (--strict) fails loudly instead.
    expect(runBuild(dir, { CXX: 'false', CC: 'false' }, ['--strict']).status).toBe(1);
  }, 120_000);

  it('names the missing tool on the first line of BUILD_FAILED.txt (no python3 on PATH)', () => {
    const dir = copyPackage();
    const bin = join(dir, 'bin-node-only');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = runBuild(dir, { PATH: bin, PYTHON: '', npm_config_python: '' });
    expect(r.status).toBe(0);
    const firstLine = readFileSync(join(dir, 'build', 'BUILD_FAILED.txt'), 'utf8').split('\n')[0];
    expect(firstLine).toBe('node-gyp rebuild failed (exit 1): python3 was not found (node-gyp needs python3, make and a C++17 compiler)');
  }, 120_000);

  it('FLOAT_NATIVE_SKIP_BUILD=1 skips the build and says so', () => {
    const dir = copyPackage();
    const r = runBuild(dir, { FLOAT_NATIVE_SKIP_BUILD: '1' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'build', 'BUILD_FAILED.txt'), 'utf8')).toContain('skipped: FLOAT_NATIVE_SKIP_BUILD=1 was set at install');
  });

  const compiled = join(pkg, 'build', 'Release', 'floatjs_native.node');

  it.runIf(existsSync(compiled))('uses a prebuilt binary that loads, with no compiler, and the loader says it is the prebuilt one', async () => {
    const dir = copyPackage();
    const key = prebuildKey();
    mkdirSync(join(dir, 'prebuilds', key), { recursive: true });
    copyFileSync(compiled, join(dir, 'prebuilds', key, 'floatjs_native.node'));
    const r = runBuild(dir, { CXX: 'false', CC: 'false' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`@floatjs/native-kernels: using the prebuilt binary prebuilds/${key}/floatjs_native.node (no compiler needed)`);
    expect(existsSync(join(dir, 'build', 'BUILD_FAILED.txt'))).toBe(false);
    expect(existsSync(join(dir, 'build', 'Release', 'floatjs_native.node'))).toBe(false);
    const { loadNativeKernels } = await import(join(dir, 'src', 'index.ts'));
    const load = loadNativeKernels();
    expect(load.ok && load.source).toBe('prebuilt');
    expect(load.ok && load.path).toBe(join(dir, 'prebuilds', key, 'floatjs_native.node'));
    expect(load.ok && ['avx512', 'avx2', 'generic'].includes(load.kernels.isa())).toBe(true);
  }, 120_000);

  it('compiles when the prebuilt binary does not load, and the loader then names both reasons', async () => {
    const dir = copyPackage();
    const key = prebuildKey();
    mkdirSync(join(dir, 'prebuilds', key), { recursive: true });
    writeFileSync(join(dir, 'prebuilds', key, 'floatjs_native.node'), 'not an ELF file');
    const r = runBuild(dir, { CXX: 'false', CC: 'false' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`the prebuilt prebuilds/${key}/floatjs_native.node does not load here`);
    expect(readFileSync(join(dir, 'build', 'BUILD_FAILED.txt'), 'utf8')).toMatch(/^node-gyp rebuild failed/);
    const { loadNativeKernels } = await import(join(dir, 'src', 'index.ts'));
    const load = loadNativeKernels();
    expect(load.ok).toBe(false);
    expect(!load.ok && load.reason).toMatch(/^@floatjs\/native-kernels: node-gyp rebuild failed .*; .*prebuilds\/.*floatjs_native\.node did not load: /);
  }, 120_000);
});
