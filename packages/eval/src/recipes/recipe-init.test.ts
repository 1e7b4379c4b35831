import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, recipeInit, type Recipe } from './recipe';
import { trainedRun } from '../test-utils/trained-run';

let dataDir = '';
let recipe: Recipe;
beforeAll(async () => {
  const run = await trainedRun();
  dataDir = run.dataDir;
  recipe = JSON.parse(readFileSync(join(run.dir, 'recipe.json'), 'utf8')) as Recipe;
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The root-mean-square of one conv kernel of a model built from `r`, over its fan-in's PyTorch std. */
function kernelScale(r: Recipe): number {
  const m = buildModel(r);
  try {
    const v = m.variables.get('conv2.kernel')!.dataSync() as Float32Array;
    const rms = Math.sqrt(v.reduce((s, t) => s + t * t, 0) / v.length);
    return rms / Math.sqrt(1 / (3 * 3 * 3 * 32));
  } finally {
    m.dispose();
  }
}

describe('recipe init', () => {
  it('float train records the PyTorch init, and a recipe without the field (older runs) builds He-normal', () => {
    expect(recipe.init).toBe('pytorch');
    expect(recipeInit(recipe)).toBe('pytorch');
    const { init: _dropped, ...rest } = recipe;
    const older: Recipe = rest;
    expect(recipeInit(older)).toBe('he-normal');
    // U(±1/√fan_in) has std 1/√(3·fan_in); He-normal's √(2/fan_in) is √6 times that.
    expect(kernelScale(recipe)).toBeGreaterThan(0.9);
    expect(kernelScale(recipe)).toBeLessThan(1.1);
    expect(kernelScale(older) / Math.sqrt(6)).toBeGreaterThan(0.9);
    expect(kernelScale(older) / Math.sqrt(6)).toBeLessThan(1.1);
  });
});
