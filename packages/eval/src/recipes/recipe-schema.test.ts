import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecipe, MAX_RECIPE_BYTES } from './recipe';
import { trainedRun } from '../test-utils/trained-run';

let dataDir = '';
let good: Record<string, unknown> = {};
const scratch = mkdtempSync(join(tmpdir(), 'floatjs-recipe-schema-'));
beforeAll(async () => {
  const run = await trainedRun();
  dataDir = run.dataDir;
  good = JSON.parse(readFileSync(join(run.dir, 'recipe.json'), 'utf8'));
}, 60_000);
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

let n = 0;
/** A checkpoint directory whose recipe.json holds `text`; returns the directory and the file. */
function recipeDir(text: string | Buffer): { dir: string; file: string } {
  const dir = join(scratch, `r${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'recipe.json'), text);
  return { dir, file: join(dir, 'recipe.json') };
}

/** The written recipe with `edit` applied to a deep copy. */
function edited(edit: (r: any) => void): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = structuredClone(good);
  edit(r);
  return JSON.stringify(r);
}

describe('loadRecipe: recipe.json checked against the schema', () => {
  it('loads what float train wrote, unchanged, unknown fields included', () => {
    expect(good).toMatchObject({ method: 'pgd-at', methodOptions: { lambda: 0.5 }, training: { epochs: 1, attack: { steps: 2 } } });
    const { dir } = recipeDir(edited((r) => (r.notes = { by: 'hand' })));
    expect(loadRecipe(dir)).toEqual({ ...good, notes: { by: 'hand' } });
  });

  const cases: Array<[string, (r: any) => void, string]> = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['a negative epoch count', (r) => (r.training.epochs = -1), 'field "training.epochs": expected an integer from 1 to 100000, found -1'],
    ['a fractional batch size', (r) => (r.training.batchSize = 2.5), 'field "training.batchSize": expected an integer from 1 to 65536, found 2.5'],
    ['another format', (r) => (r.format = 'keras'), 'field "format": expected "floatjs-recipe", found "keras"'],
    ['another version', (r) => (r.version = 2), 'field "version": expected 1, found 2'],
    ['a missing input height', (r) => delete r.input.height, 'field "input.height": expected an integer from 1 to 4096, found nothing (the field is missing)'],
    ['a string seed', (r) => (r.seed = '7'), 'field "seed": expected an integer, found "7"'],
    ['an attack radius past 1', (r) => (r.training.attack.eps = 2), 'field "training.attack.eps": expected a number in [0, 1], found 2'],
    ['an unknown schedule', (r) => (r.training.schedule = 'step'), 'field "training.schedule": expected "cosine" or "constant", found "step"'],
    ['methodOptions as an array', (r) => (r.methodOptions = []), 'field "methodOptions": expected an object (the method options, {} for none), found an array of 0 items'],
    ['a λ option past 1', (r) => (r.methodOptions.lambda = 1.5), 'field "methodOptions.lambda": expected a number in [0, 1], found 1.5'],
    ['an lr scale past 1', (r) => (r.training.lrScale = 2), 'field "training.lrScale": expected a number in (0, 1], found 2'],
    ['an empty method', (r) => (r.method = ''), 'field "method": expected a name of 1 to 200 characters, found ""'],
    ['a 5000-character dataset name', (r) => (r.dataset = 'd'.repeat(5000)), 'field "dataset": expected a name of 1 to 200 characters, found a string of 5000 characters starting "dddddddddddddddddddddddd"'],
    ['a plugin without a name', (r) => delete r.plugins[0].name, 'field "plugins[0].name": expected a name of 1 to 200 characters, found nothing (the field is missing)'],
    ['a zero slimmable width', (r) => (r.slimmable = { method: 'float-slim', architecture: 'cnn-s', width: 0, source: 'x' }), 'field "slimmable.width": expected a number in (0, 1], found 0'],
    ['no training section', (r) => delete r.training, 'field "training": expected an object (the training settings), found nothing (the field is missing)'],
    ['two problems', (r) => ((r.seed = null), (r.training.lr = 0)), 'field "seed": expected an integer, found null (and 1 more problem)'],
  ];
  for (const [what, edit, message] of cases) {
    it(`names the file, the field and what was expected: ${what}`, () => {
      const { dir, file } = recipeDir(edited(edit));
      expect(() => loadRecipe(dir)).toThrow(`${file}: ${message}`);
    });
  }

  it('describes the value found without printing it whole', () => {
    const long = recipeDir(edited((r) => (r.architecture = 7)));
    expect(() => loadRecipe(long.dir)).toThrow(`${long.file}: field "architecture": expected a name of 1 to 200 characters, found 7`);
    const big = recipeDir(edited((r) => (r.preset = { deep: 'x'.repeat(5000) })));
    expect(() => loadRecipe(big.dir)).toThrow(`${big.file}: field "preset": expected a name of 1 to 200 characters, found an object`);
    const str = recipeDir(edited((r) => (r.seed = 'y'.repeat(5000))));
    expect(() => loadRecipe(str.dir)).toThrow(`${str.file}: field "seed": expected an integer, found a string of 5000 characters starting "yyyyyyyyyyyyyyyyyyyyyyyy"`);
    const inf = recipeDir(JSON.stringify(good).replace('"seed":7', '"seed":1e400'));
    expect(() => loadRecipe(inf.dir)).toThrow(`${inf.file}: field "seed": expected an integer, found Infinity (beyond float64 range)`);
  });

  it('a file that is not a recipe object', () => {
    const arr = recipeDir('[1]');
    expect(() => loadRecipe(arr.dir)).toThrow(`${arr.file}: expected a JSON object (the recipe), found an array of 1 item`);
    const nul = recipeDir('null');
    expect(() => loadRecipe(nul.dir)).toThrow(`${nul.file}: expected a JSON object (the recipe), found null`);
    const bad = recipeDir('{"format": ');
    expect(() => loadRecipe(bad.dir)).toThrow(`${bad.file}: not valid JSON`);
    const missing = join(scratch, 'none');
    mkdirSync(missing);
    expect(() => loadRecipe(missing)).toThrow(`${join(missing, 'recipe.json')}: not found; expected a checkpoint directory`);
    const folder = join(scratch, 'folder');
    mkdirSync(join(folder, 'recipe.json'), { recursive: true });
    expect(() => loadRecipe(folder)).toThrow(`${join(folder, 'recipe.json')}: not a regular file`);
  });

  it(`refuses a file over ${MAX_RECIPE_BYTES} bytes by its size, before reading it; one at the limit loads`, () => {
    const text = JSON.stringify(good);
    const atLimit = recipeDir(text + ' '.repeat(MAX_RECIPE_BYTES - Buffer.byteLength(text)));
    expect(loadRecipe(atLimit.dir)).toEqual(good);
    const over = recipeDir(text + ' '.repeat(MAX_RECIPE_BYTES + 1 - Buffer.byteLength(text)));
    expect(() => loadRecipe(over.dir)).toThrow(`${over.file}: ${MAX_RECIPE_BYTES + 1} bytes, larger than the ${MAX_RECIPE_BYTES}-byte limit for a recipe`);
  });
});
