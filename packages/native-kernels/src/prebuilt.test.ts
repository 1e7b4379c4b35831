import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareVersions, findPrebuilt, prebuildKey } from './prebuilt';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function withPrebuild(key: string, manifest?: object): string {
  dir = mkdtempSync(join(tmpdir(), 'floatjs-prebuilt-'));
  mkdirSync(join(dir, 'prebuilds', key), { recursive: true });
  writeFileSync(join(dir, 'prebuilds', key, 'floatjs_native.node'), '');
  if (manifest) writeFileSync(join(dir, 'prebuilds', key, 'prebuild.json'), JSON.stringify(manifest));
  return dir;
}

describe('prebuilt binaries', () => {
  it('names the folder by platform, architecture and, on Linux, the C library', () => {
    expect(prebuildKey('linux', 'x64', 'glibc')).toBe('linux-x64-glibc');
    expect(prebuildKey('linux', 'arm64', 'musl')).toBe('linux-arm64-musl');
    expect(prebuildKey('darwin', 'arm64')).toBe('darwin-arm64');
    expect(prebuildKey('win32', 'x64')).toBe('win32-x64');
  });

  it('finds the binary for this key and says which ones ship when there is none', () => {
    const root = withPrebuild('linux-x64-glibc', { glibc: '2.36' });
    expect(findPrebuilt(root, 'linux-x64-glibc', '2.36')).toEqual({ path: join(root, 'prebuilds', 'linux-x64-glibc', 'floatjs_native.node') });
    expect(findPrebuilt(root, 'darwin-arm64', null)).toEqual({ reason: 'no prebuilt binary for darwin-arm64 (this package ships linux-x64-glibc)' });
    expect(findPrebuilt(join(root, 'nowhere'), 'linux-x64-glibc', '2.36')).toEqual({ reason: 'no prebuilt binary for linux-x64-glibc (this package ships none)' });
  });

  it('refuses a binary built against a newer glibc than the running one', () => {
    const root = withPrebuild('linux-x64-glibc', { glibc: '2.36' });
    expect(findPrebuilt(root, 'linux-x64-glibc', '2.31')).toEqual({ reason: 'the prebuilt binary for linux-x64-glibc needs glibc 2.36 or newer, this system has 2.31' });
    expect('path' in findPrebuilt(root, 'linux-x64-glibc', '2.40')).toBe(true);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.36', '2.4')).toBe(1);
    expect(compareVersions('2.4', '2.36')).toBe(-1);
    expect(compareVersions('2.36', '2.36.0')).toBe(0);
  });
});
