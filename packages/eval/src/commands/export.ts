import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type StoredTensor } from '@floatjs/engine';
import { checkLoadedValues, decodeSafetensors, encodeSafetensors, MAX_WEIGHTS_BYTES, PLUGIN_STATE_KEY, readRegularFile, RECIPE_FILE, WEIGHTS_FILE, writeFileAtomic } from '@floatjs/checkpoint';
import { loadRecipe, buildModel } from '../recipes/recipe';

export type WeightLayout = 'tfjs' | 'pytorch';

/**
 * tfjs stores conv kernels as [kh, kw, in, out] and dense kernels as [in, out]; PyTorch as
 * [out, in, kh, kw] and [out, in]. Only rank-4 and rank-2 `.kernel` tensors change.
 */
function toLayout(name: string, t: StoredTensor, from: WeightLayout, to: WeightLayout): StoredTensor {
  if (from === to || !name.endsWith('.kernel')) return t;
  if (t.shape.length === 2) {
    const [r, c] = t.shape;
    const out = new Float32Array(t.data.length);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
    return { shape: [c, r], data: out };
  }
  if (t.shape.length !== 4) return t;
  const out = new Float32Array(t.data.length);
  if (to === 'pytorch') {
    const [kh, kw, ci, co] = t.shape;
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) {
      out[((o * ci + c) * kh + a) * kw + b] = t.data[((a * kw + b) * ci + c) * co + o];
    }
    return { shape: [co, ci, kh, kw], data: out };
  }
  const [co, ci, kh, kw] = t.shape;
  for (let o = 0; o < co; o++) for (let c = 0; c < ci; c++) for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
    out[((a * kw + b) * ci + c) * co + o] = t.data[((o * ci + c) * kh + a) * kw + b];
  }
  return { shape: [kh, kw, ci, co], data: out };
}

/** `float export`: one .safetensors file with the recipe and the layout in its metadata. */
export function exportSafetensors(dir: string, file: string, layout: WeightLayout = 'tfjs'): { tensors: number; bytes: number } {
  if (layout !== 'tfjs' && layout !== 'pytorch') throw new Error(`--layout: expected tfjs or pytorch, got "${layout}"`);
  const recipe = loadRecipe(dir);
  const path = join(dir, WEIGHTS_FILE);
  const { tensors, metadata } = decodeSafetensors(readRegularFile(path, MAX_WEIGHTS_BYTES, "the checkpoint's weights"), path);
  const converted = new Map([...tensors].map(([n, t]) => [n, toLayout(n, t, 'tfjs', layout)]));
  const state: Record<string, string> = metadata[PLUGIN_STATE_KEY] === undefined ? {} : { [PLUGIN_STATE_KEY]: metadata[PLUGIN_STATE_KEY] };
  const bytes = encodeSafetensors(converted, { format: 'floatjs', layout, recipe: JSON.stringify(recipe), ...state });
  writeFileAtomic(file, bytes);
  return { tensors: converted.size, bytes: bytes.length };
}

/**
 * `float import`: a .safetensors file laid out as `float export` documents (recipe in the metadata,
 * `layout` tfjs or pytorch) becomes a checkpoint directory that `float eval` reads. Everything (recipe schema,
 * names, shapes, finite values) is checked before anything is written; the directory is built under a temporary
 * name and renamed into place, so a failed import leaves nothing, and an existing `dir` is never touched.
 */
export function importSafetensors(file: string, dir: string): { tensors: number } {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length)) {
    throw new Error(`${dir}: exists and is not an empty directory; \`float import\` writes a new checkpoint directory, choose another --out`);
  }
  const { tensors, metadata } = decodeSafetensors(readRegularFile(file, MAX_WEIGHTS_BYTES, 'a .safetensors file written by `float export`'), file);
  if (typeof metadata.recipe !== 'string') throw new Error(`${file}: __metadata__.recipe is missing; expected the recipe JSON written by \`float export\``);
  const layout = (metadata.layout ?? 'tfjs') as WeightLayout;
  if (layout !== 'tfjs' && layout !== 'pytorch') throw new Error(`${file}: __metadata__.layout must be tfjs or pytorch, found "${layout}"`);
  let recipeJson: unknown;
  try {
    recipeJson = JSON.parse(metadata.recipe);
  } catch (err) {
    throw new Error(`${file}: __metadata__.recipe is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  checkLoadedValues(tensors, file);
  const tmp = `${dir.replace(/\/+$/, '')}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileAtomic(join(tmp, RECIPE_FILE), `${JSON.stringify(recipeJson, null, 2)}\n`);
    const recipe = loadRecipe(tmp);
    const converted = new Map([...tensors].map(([n, t]) => [n, toLayout(n, t, layout, 'tfjs')]));
    const model = buildModel(recipe);
    try {
      for (const [name, v] of model.variables) {
        const t = converted.get(name);
        if (!t) throw new Error(`${file}: tensor "${name}" is missing`);
        if (t.shape.join(',') !== v.shape.join(',')) throw new Error(`${file}: tensor "${name}" has shape [${t.shape}], expected [${v.shape}] (${layout} layout)`);
      }
    } finally {
      model.dispose();
    }
    // Plugin state (e.g. pruning masks) travels with the weights, so the imported model is evaluated with it.
    const state: Record<string, string> = metadata[PLUGIN_STATE_KEY] === undefined ? {} : { [PLUGIN_STATE_KEY]: metadata[PLUGIN_STATE_KEY] };
    writeFileAtomic(join(tmp, WEIGHTS_FILE), encodeSafetensors(converted, { format: 'floatjs', architecture: recipe.architecture, ...state }));
    if (existsSync(dir)) rmdirSync(dir);
    renameSync(tmp, dir);
    return { tensors: converted.size };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // The recipe was checked in the temporary directory; name the file it came from.
    if (err instanceof Error && err.message.startsWith(tmp)) throw new Error(`${file}: __metadata__.recipe${err.message.slice(join(tmp, RECIPE_FILE).length)}`, { cause: err });
    throw err;
  }
}
