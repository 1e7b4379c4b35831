import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This machine's folder under `prebuilds/`, e.g. `linux-x64-glibc`. The addon uses Node-API only, so one
 * binary serves every Node version; on Linux the C library must match too. Kept in step with
 * scripts/prebuild-key.mjs, which makes the folders.
 */
export function prebuildKey(platform: string = process.platform, arch: string = process.arch, libc: 'glibc' | 'musl' = glibcVersion() ? 'glibc' : 'musl'): string {
  return platform === 'linux' ? `${platform}-${arch}-${libc}` : `${platform}-${arch}`;
}

/** The running glibc's version ("2.36"), or undefined on musl and other C libraries. */
export function glibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}

/** What a prebuilt folder's manifest (`prebuild.json`, written by scripts/prebuild.mjs) records. */
export interface PrebuildManifest {
  key: string;
  napi: number;
  builtWithNode: string;
  glibc?: string;
  sha256: string;
  bytes: number;
}

/** The prebuilt binary for `key` in `packageRoot`, or why there is none that can run here. */
export function findPrebuilt(packageRoot: string, key: string = prebuildKey(), glibc: string | null = glibcVersion() ?? null): { path: string } | { reason: string } {
  const dir = join(packageRoot, 'prebuilds');
  const path = join(dir, key, 'floatjs_native.node');
  if (!existsSync(path)) {
    const shipped = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(join(dir, d, 'floatjs_native.node'))) : [];
    return { reason: `no prebuilt binary for ${key} (this package ships ${shipped.length ? shipped.join(', ') : 'none'})` };
  }
  const manifest = readManifest(join(dir, key, 'prebuild.json'));
  if (manifest?.glibc && glibc && compareVersions(glibc, manifest.glibc) < 0) {
    return { reason: `the prebuilt binary for ${key} needs glibc ${manifest.glibc} or newer, this system has ${glibc}` };
  }
  return { path };
}

function readManifest(file: string): PrebuildManifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PrebuildManifest;
  } catch {
    return undefined;
  }
}

/** Compares dotted version strings numerically ("2.36" < "2.4" is false). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
