// Makes the prebuilt binary that the published package ships: compiles the addon (node-gyp, as at install)
// and copies it with a manifest to prebuilds/<platform>-<arch>[-libc]/, where the loader and the install
// script look first. Run by `prepack`, so a packed tarball carries the binary of the machine that packed it;
// an install on a matching machine then needs no compiler. FLOAT_PREBUILD_SKIP=1 packs without one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glibcVersion, prebuildKey } from './prebuild-key.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.FLOAT_PREBUILD_SKIP === '1') {
  console.log('@floatjs/native-kernels: FLOAT_PREBUILD_SKIP=1, packing without a prebuilt binary');
  process.exit(0);
}
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs'), '--strict'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) {
  console.error('@floatjs/native-kernels: prebuild: the addon did not compile (see above); set FLOAT_PREBUILD_SKIP=1 to pack without a prebuilt binary');
  process.exit(1);
}
const key = prebuildKey();
const dir = join(root, 'prebuilds', key);
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const binary = join(dir, 'floatjs_native.node');
copyFileSync(join(root, 'build', 'Release', 'floatjs_native.node'), binary);
const bytes = readFileSync(binary);
const manifest = {
  key,
  napi: Number(process.versions.napi),
  builtWithNode: process.version,
  // Binaries linked against glibc run on that version and newer only.
  glibc: glibcVersion(),
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes: bytes.length,
};
writeFileSync(join(dir, 'prebuild.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`@floatjs/native-kernels: prebuilt ${key} (${(bytes.length / 1024).toFixed(0)} KiB, glibc ${manifest.glibc ?? 'n/a'})`);
