import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'floatjs-kill-'));
let driver = '';
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (driver) rmSync(driver, { force: true });
});
const EPOCHS = 2;

/** The driver bundled from source; tfjs stays external and resolves from the workspace's node_modules. */
async function bundleDriver(): Promise<string> {
  // Inside the package (git-ignored), so that Node resolves the external tfjs from the workspace.
  const outfile = join(here, '..', 'test-results', `kill-driver-${process.pid}.cjs`);
  await build({
    entryPoints: [join(here, 'test-utils', 'kill-driver.ts')],
    bundle: true,
    platform: 'node',
    // CommonJS: Node loads tfjs's CommonJS builds without lexing them for ESM named exports (~0.4 s a process).
    format: 'cjs',
    outfile,
    // Packages stay external (resolved from the workspace); tfjs-core's deep gradient import is bundled, as
    // tsup does for the engine's build (its files are not loadable by Node's ESM resolver).
    plugins: [{ name: 'externals', setup: (b) => b.onResolve({ filter: /^@tensorflow\// }, (a) => (a.path.includes('/dist/') ? undefined : { path: a.path, external: true })) }],
    conditions: ['@floatjs/source'],
    logLevel: 'error',
    define: { 'import.meta.url': '__floatjsImportMetaUrl' },
    banner: { js: "const __floatjsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  return outfile;
}

function run(mode: 'train' | 'resume', dirs: string[], killAt?: number): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOAT_NATIVE: 'off' };
  delete env.FLOAT_TEST_KILL_AT;
  if (killAt !== undefined) env.FLOAT_TEST_KILL_AT = String(killAt);
  const child = spawn(process.execPath, [driver, mode, String(EPOCHS), ...dirs], { env, cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

const FILES = ['model.safetensors', 'optimizer.safetensors', 'trainer-state.json'];

describe('a checkpoint killed at every file operation in turn', () => {
  it('always resumes, to final files bit-identical with an uninterrupted run, leaving no temporary files', async () => {
    driver = await bundleDriver();
    const straight = join(root, 'straight');
    const ref = await run('train', [straight]);
    expect(ref.code, ref.err).toBe(0);
    const total = JSON.parse(ref.out).ops as number;
    expect(total).toBeGreaterThan(20 * EPOCHS);
    const expected = FILES.map((f) => readFileSync(join(straight, f)));

    // Every kill point in its own process, two at a time; then one process resumes them all.
    const points = Array.from({ length: total }, (_, i) => i + 1);
    const queue = [...points];
    const worker = async () => {
      for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
        const killed = await run('train', [join(root, `kill-${at}`)], at);
        expect(killed.signal, `kill point ${at}: ${killed.err}`).toBe('SIGKILL');
      }
    };
    await Promise.all([worker(), worker()]);
    const resumed = await run('resume', points.map((at) => join(root, `kill-${at}`)));
    expect(resumed.code, resumed.err).toBe(0);
    const starts = JSON.parse(resumed.out).starts as number[];
    for (const at of points) {
      const dir = join(root, `kill-${at}`);
      FILES.forEach((f, i) => expect(readFileSync(join(dir, f)).equals(expected[i]), `kill point ${at}: ${f}`).toBe(true));
      expect(readdirSync(dir).sort(), `kill point ${at}`).toEqual([`ckpt-${EPOCHS}`, ...FILES, 'recipe.json'].sort());
    }
    // Kills in the first checkpoint restart from scratch; later ones resume from epoch 1, or 2 once it is committed.
    const count = (e: number) => starts.filter((s) => s === e).length;
    expect([count(0), count(1), count(2)].every((n) => n > 0), JSON.stringify(starts)).toBe(true);
    console.log(`kill points: ${total}, resumed: ${starts.length}, bit-identical: ${points.length}; resumed from epoch 0/1/2: ${count(0)}/${count(1)}/${count(2)}`);
  }, 300_000);
});
