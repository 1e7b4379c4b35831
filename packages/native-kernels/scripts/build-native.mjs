// Builds the addon with node-gyp when the package is installed. A failed build never fails the install:
// floatjs then runs on its wasm kernels, and the reason is kept in build/BUILD_FAILED.txt, which the
// loader reports. `--strict` (used by `npm run build:native`) exits non-zero instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  record(`node-gyp rebuild failed (exit ${result.status ?? result.signal}):\n${errors || log.slice(-2000)}`);
  return false;
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
