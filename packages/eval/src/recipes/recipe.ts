import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, type ConvInit, type InputSpec, type Model } from '@floatjs/engine';
import { readRecipe, RECIPE_FILE } from '@floatjs/checkpoint';
import { getMethod } from './methods';
import type { PgdSpec } from './preset-types';
import { ensureArchitecture } from './narrow-architectures';
import { recipeSchema } from './recipe-schema';
import { fieldError } from './schema-issues';
// Registers the paper's architectures (resnet34, wrn16-8, ...) in the engine's zoo by name.
import '@floatjs/models';

/** Where a user's method kit came from, recorded in the recipe so every later command reloads the same code. */
export interface MethodModule {
  /** The module's absolute path. */
  path: string;
  /** sha256 (hex) of the file's bytes when the run was trained. */
  sha256: string;
}

/** Everything needed to rebuild a trained model; written as recipe.json beside the weights. */
export interface Recipe {
  format: 'floatjs-recipe';
  version: 1;
  method: string;
  methodOptions: Record<string, unknown>;
  /** A method loaded from a module (`--method ./my-method.js`): its path and sha256, checked on every reload. */
  methodModule?: MethodModule;
  preset: string;
  dataset: string;
  architecture: string;
  input: InputSpec;
  seed: number;
  /**
   * How conv kernels were initialized: `pytorch` (U(±1/√fan_in), torch's default and the default since
   * recipes carry this field) or `he-normal`. Absent in older recipes, which all used He-normal.
   */
  init?: ConvInit;
  /** The plugins the method expanded to, for people reading the file. */
  plugins: Array<{ name: string; options: Record<string, unknown> }>;
  training: {
    epochs: number;
    batchSize: number;
    lr: number;
    momentum: number;
    weightDecay: number;
    schedule: string;
    trainLimit?: number;
    /** The training augmentation (`crop-flip`, `none`, `random-resized-crop-flip`); absent in older recipes. */
    augment?: string;
    attack: PgdSpec | null;
    /** Learning-rate factor left by divergence rollbacks (halved per rollback); absent means 1. */
    lrScale?: number;
  };
}

/** The init a recipe's model was (or is to be) built with; older recipes without the field used He-normal. */
export function recipeInit(recipe: Pick<Recipe, 'init'>): ConvInit {
  return recipe.init ?? 'he-normal';
}

export function buildModel(recipe: Pick<Recipe, 'method' | 'methodOptions' | 'architecture' | 'input' | 'seed' | 'init'> & { training?: { epochs: number } }): Model {
  // A narrow export's architecture (e.g. `cnn-s-w0_5`) is registered on first use.
  ensureArchitecture(recipe.architecture);
  const method = getMethod(recipe.method);
  const plugins = method.plugins(recipe.methodOptions, { epochs: recipe.training?.epochs });
  return createModel(recipe.architecture, recipe.input, plugins, recipe.seed, { init: recipeInit(recipe) });
}

/** recipe.json is a few hundred bytes; anything past this is refused before it is read or parsed. */
export const MAX_RECIPE_BYTES = 1024 * 1024;

/** Reads and checks recipe.json against `recipeSchema`, naming the file, the field and what was expected on any problem. */
export function loadRecipe(dir: string): Recipe {
  const where = join(dir, RECIPE_FILE);
  const stat = statSync(where, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new Error(`${where}: not a regular file; expected the recipe JSON written by \`float train\``);
  if (stat && stat.size > MAX_RECIPE_BYTES) {
    throw new Error(`${where}: ${stat.size} bytes, larger than the ${MAX_RECIPE_BYTES}-byte limit for a recipe; expected the recipe JSON written by \`float train\``);
  }
  const r = readRecipe<unknown>(dir);
  const err = fieldError(where, recipeSchema, r);
  if (err) throw err;
  return r as Recipe;
}
