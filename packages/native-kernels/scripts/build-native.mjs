// Runs when the package is installed. A prebuilt binary for this platform (prebuilds/, shipped in the
// published tarball) that loads is used as it is, with no compiler; otherwise the addon is built with
// node-gyp. A failed build never fails the install: floatjs then runs on its wasm kernels, and the reason is
// kept in build/BUILD_FAILED.txt, which the loader reports. `--strict` (used by `npm run build:native` and
// the prebuild) always compiles and exits non-zero on failure. FLOAT_NATIVE_BUILD_FROM_SOURCE=1 compiles
// even when a prebuilt binary would do.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prebuildKey } from './prebuild-key.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const failedFile = join(root, 'build', 'BUILD_FAILED.txt');
const prefix = join(dirname(process.execPath), '..');

try {
  process.exit(build() ? 0 : strict ? 1 : 0);
} catch (err) {
  record(`the build script failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(strict ? 1 : 0);
}

function build() {
  if (!strict && process.env.FLOAT_NATIVE_BUILD_FROM_SOURCE !== '1' && usablePrebuild()) return true;
  if (process.env.FLOAT_NATIVE_SKIP_BUILD === '1') {
    record('skipped: FLOAT_NATIVE_SKIP_BUILD=1 was set at install');
    return !strict;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    record('node-gyp was not found (it ships with npm; set npm_config_node_gyp to its node-gyp.js)');
    return false;
  }
  const args = [gyp, 'rebuild', '--jobs', 'max'];
  // Without internet node-gyp cannot download Node's headers; a system Node (e.g. Debian's) has them here.
  if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status === 0) {
    rmSync(failedFile, { force: true });
    console.log(`@floatjs/native-kernels: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  }
  const log = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  const errors = log.split('\n').filter((l) => /error|ERR!/i.test(l)).slice(0, 12).join('\n');
  record(`node-gyp rebuild failed (exit ${result.status ?? result.signal}): ${likelyCause(log)}\n${errors || log.slice(-2000)}`);
  return false;
}

// The prebuilt binary for this platform, if there is one and it loads here (a child process, so a binary
// that crashes or lacks a symbol of this C library cannot take the install down).
function usablePrebuild() {
  const binary = join(root, 'prebuilds', prebuildKey(), 'floatjs_native.node');
  if (!existsSync(binary)) return false;
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(binary)}).isa()`], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.warn(`@floatjs/native-kernels: the prebuilt ${relative(root, binary)} does not load here (${(probe.stderr || '').trim().split('\n')[0]}); compiling`);
    return false;
  }
  rmSync(failedFile, { force: true });
  console.log(`@floatjs/native-kernels: using the prebuilt binary ${relative(root, binary)} (no compiler needed)`);
  return true;
}

// The first line of BUILD_FAILED.txt is what users see in every command's backend line, so it names the
// missing tool when the log shows one.
function likelyCause(log) {
  if (/gyp ERR! find Python/.test(log)) return 'python3 was not found (node-gyp needs python3, make and a C++17 compiler)';
  if (/(^|\s)make: (command )?not found|spawn make ENOENT|not found: make/m.test(log)) return 'make was not found (node-gyp needs python3, make and a C++17 compiler)';
  if (/(g\+\+|c\+\+|clang\+\+|cc): (command )?not found|No such file or directory.*(g\+\+|c\+\+)/.test(log)) return 'no C++ compiler was found (node-gyp needs python3, make and a C++17 compiler)';
  const last = log.split('\n').filter((l) => /error/i.test(l) && !/gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l)).shift();
  return last ? last.trim().slice(0, 200) : 'see build/BUILD_FAILED.txt';
}

function record(reason) {
  mkdirSync(dirname(failedFile), { recursive: true });
  writeFileSync(failedFile, `${reason}\n`);
  console.warn(`@floatjs/native-kernels: native kernels not built (${reason.split('\n')[0]}). floatjs will use its wasm kernels.`);
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}
