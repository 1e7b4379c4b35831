import { createModel, readRecipe, type InputSpec, type Model } from '@floatjs/engine';
import { getMethod } from './methods';
import type { PgdSpec } from './presets';
import { ensureArchitecture } from './narrow-architectures';

/** Everything needed to rebuild a trained model; written as recipe.json beside the weights. */
export interface Recipe {
  format: 'floatjs-recipe';
  version: 1;
  method: string;
  methodOptions: Record<string, unknown>;
  preset: string;
  dataset: string;
  architecture: string;
  input: InputSpec;
  seed: number;
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
  };
}

export function buildModel(recipe: Pick<Recipe, 'method' | 'methodOptions' | 'architecture' | 'input' | 'seed'> & { training?: { epochs: number } }): Model {
  // A narrow export's architecture (e.g. `cnn-s-w0_5`) is registered on first use.
  ensureArchitecture(recipe.architecture);
  const method = getMethod(recipe.method);
  return createModel(recipe.architecture, recipe.input, method.plugins(recipe.methodOptions, { epochs: recipe.training?.epochs }), recipe.seed);
}

/** Reads and checks recipe.json, naming the file and the field on any problem. */
export function loadRecipe(dir: string): Recipe {
  const r = readRecipe<Recipe>(dir);
  const where = `${dir}/recipe.json`;
  if (r?.format !== 'floatjs-recipe') throw new Error(`${where}: field "format" must be "floatjs-recipe", found ${JSON.stringify(r?.format)}`);
  if (r.version !== 1) throw new Error(`${where}: field "version" must be 1, found ${JSON.stringify(r.version)}`);
  for (const field of ['method', 'architecture', 'preset', 'dataset'] as const) {
    if (typeof r[field] !== 'string') throw new Error(`${where}: field "${field}" must be a string, found ${JSON.stringify(r[field])}`);
  }
  if (!Number.isInteger(r.seed)) throw new Error(`${where}: field "seed" must be an integer, found ${JSON.stringify(r.seed)}`);
  const i = r.input;
  if (!i || ![i.height, i.width, i.channels, i.numClasses].every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`${where}: field "input" must hold positive integers height, width, channels, numClasses`);
  }
  return r;
}
