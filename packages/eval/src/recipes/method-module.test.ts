import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isMethodPath } from './method-module';
import { runCli } from '../test-utils/run-cli';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/uniform-noise/uniform-noise.js', import.meta.url));
const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const common = ['--data-dir', dataDir, '--no-verify', '--quiet', '--backend', 'cpu'];

describe('a user method kit from a module (--method ./file.js)', () => {
  it('tells module paths from registered names', () => {
    for (const p of ['./m.js', '../m', '/abs/m', 'm.mjs', 'm.js']) expect(isMethodPath(p)).toBe(true);
    for (const n of ['float', 'oat-slim', 'pgd-at']) expect(isMethodPath(n)).toBe(false);
  });

  it('trains the uniform-noise example for an epoch and evaluates it from the CLI, refusing a changed or missing module', async () => {
    const out = join(dataDir, 'uniform');
    const trained = await runCli('train', '--preset', tinyPreset().name, '--method', EXAMPLE, '--out', out, ...common);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const recipe = JSON.parse(readFileSync(join(out, 'recipe.json'), 'utf8'));
    expect(recipe.method).toBe('uniform-noise');
    expect(recipe.methodModule.path).toBe(EXAMPLE);
    expect(recipe.methodModule.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(recipe.plugins.map((p: { name: string }) => p.name)).toEqual(['uniform-noise', 'uniform-noise-loss']);

    const json = join(out, 'eval.json');
    const evaluated = await runCli('eval', out, '--lambdas', '0,0.5,1', '--limit', '12', '--json', json, ...common);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.code).toBe(0);
    const rows = JSON.parse(readFileSync(json, 'utf8')).rows as Array<{ lambda: number; randomized: boolean; ca: number; ra: number }>;
    expect(rows.map((r) => [r.lambda, r.randomized])).toEqual([[0, false], [0.5, true], [1, true]]);
    for (const r of rows) expect(r.ra).toBeLessThanOrEqual(r.ca);

    writeFileSync(join(out, 'recipe.json'), JSON.stringify({ ...recipe, methodModule: { ...recipe.methodModule, sha256: '0'.repeat(64) } }));
    const changed = await runCli('eval', out, '--json', join(out, 'x.json'), ...common);
    expect(changed.code).toBe(1);
    expect(changed.stderr.trim().split('\n')).toHaveLength(1);
    expect(changed.stderr).toMatch(/recipe\.json: the method module .*uniform-noise\.js has changed since training/);
    writeFileSync(join(out, 'recipe.json'), JSON.stringify({ ...recipe, methodModule: { ...recipe.methodModule, path: join(dataDir, 'gone.js') } }));
    const gone = await runCli('eval', out, '--json', join(out, 'y.json'), ...common);
    expect(gone.stderr).toMatch(/recipe\.json: the method module .*gone\.js is gone/);
  }, 240_000);

  it('refuses a module whose export is not a method kit, naming the file and the field, in one line', async () => {
    const file = join(dataDir, 'bad-kit.mjs');
    writeFileSync(file, "export default { name: 'bad-kit', description: 'no plugins', adversarial: true, settings: () => [] };\n");
    const r = await runCli('train', '--preset', tinyPreset().name, '--method', file, '--out', join(dataDir, 'bad'), ...common);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}: method kit field "plugins" must be a function, got undefined`);
    const named = join(dataDir, 'named.mjs');
    writeFileSync(named, "export const method = { name: 'float', description: 'clash', adversarial: false, plugins: () => [], settings: () => [] };\n");
    const clash = await runCli('train', '--preset', tinyPreset().name, '--method', named, '--out', join(dataDir, 'clash'), ...common);
    expect(clash.stderr).toMatch(/named\.mjs: method kit field "name" is "float", which is already registered/);
  });
});
