import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { assignVariables, readVariables, type Model, type StoredTensor } from '@floatjs/engine';
import { writeFileAtomic } from './atomic-write';
import { readRegularFile } from './fs-ops';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export const WEIGHTS_FILE = 'model.safetensors';
export const RECIPE_FILE = 'recipe.json';
/** Safetensors metadata key holding the plugins' state (e.g. pruning masks) as JSON. */
export const PLUGIN_STATE_KEY = 'pluginState';
/** The trainer's state beside a training checkpoint (see training-state.ts). */
export const STATE_FILE = 'trainer-state.json';
/** No model this package builds comes near this; a larger "weights file" is refused before it is read. */
export const MAX_WEIGHTS_BYTES = 2 * 1024 * 1024 * 1024;
const MAX_RECIPE_READ_BYTES = 16 * 1024 * 1024;

/**
 * Writes `model.safetensors` (every model variable under its model name, and the plugins' state such as
 * pruning masks in its metadata) and `recipe.json`, each atomically. The weights go first, so a recipe on
 * disk always describes complete weights.
 */
export async function saveCheckpoint(dir: string, model: Model, recipe: unknown): Promise<void> {
  writeFileAtomic(join(dir, WEIGHTS_FILE), await weightsBytes(model));
  writeFileAtomic(join(dir, RECIPE_FILE), `${JSON.stringify(recipe, null, 2)}\n`);
}

/** `model.safetensors` of a model: every variable under its model name, the plugins' state in the metadata. */
export async function weightsBytes(model: Model): Promise<Uint8Array> {
  const tensors = await readVariables(model.variables);
  const states = model.host.getStates();
  const metadata: Record<string, string> = { format: 'floatjs', architecture: model.architecture };
  if (Object.keys(states).length) metadata[PLUGIN_STATE_KEY] = JSON.stringify(states);
  return encodeSafetensors(tensors, metadata);
}

/** Reads `recipe.json` of a checkpoint directory, with errors that name the file. */
export function readRecipe<T = unknown>(dir: string): T {
  const path = join(dir, RECIPE_FILE);
  const text = readRegularFile(path, MAX_RECIPE_READ_BYTES, 'a checkpoint directory written by `float train`').toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Loads weights into an already-built model (names and shapes must match exactly) and restores the plugins'
 * state: a pruned model must be evaluated with its own masks, never with masks made up on the first forward.
 * Checkpoints written before the state moved into the weights file carry it in `trainer-state.json`.
 * Returns the sha256 of the bytes it loaded, so that a result can name exactly the weights it came from.
 */
export function loadWeights(dir: string, model: Model): { sha256: string } {
  const path = join(dir, WEIGHTS_FILE);
  const bytes = readRegularFile(path, MAX_WEIGHTS_BYTES, "the checkpoint's weights");
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  checkLoadedValues(tensors, path);
  assignVariables(model.variables, tensors, path);
  const states = pluginStates(dir, metadata, path);
  if (states) model.host.setStates(states);
  return { sha256: createHash('sha256').update(bytes).digest('hex') };
}

function pluginStates(dir: string, metadata: Record<string, string>, path: string): Record<string, unknown> | null {
  if (typeof metadata[PLUGIN_STATE_KEY] === 'string') {
    try {
      return JSON.parse(metadata[PLUGIN_STATE_KEY]) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${path}: __metadata__.${PLUGIN_STATE_KEY} is not valid JSON (${(err as Error).message})`, { cause: err });
    }
  }
  const legacy = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readRegularFile(legacy, 256 * 1024 * 1024, 'the trainer state written by `float train`').toString('utf8');
  } catch (err) {
    if (/: not found;/.test((err as Error).message)) return null;
    throw err;
  }
  let plugins: Record<string, unknown> | undefined;
  try {
    plugins = (JSON.parse(text) as { plugins?: Record<string, unknown> }).plugins;
  } catch (err) {
    throw new Error(`${legacy}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return plugins && Object.keys(plugins).length ? plugins : null;
}


/**
 * Weights that load must be usable: every value finite, and a batch-norm running variance never negative
 * (its square root is taken). Checked on load so that eval never reports accuracy of a broken model.
 */
export function checkLoadedValues(tensors: ReadonlyMap<string, StoredTensor>, source: string): void {
  for (const [name, t] of tensors) {
    const variance = name.endsWith('.movingVariance');
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i];
      if (!Number.isFinite(v)) throw new Error(`${source}: tensor "${name}" holds ${v} at index ${i}; the weights are corrupt or the run diverged`);
      if (variance && v < 0) throw new Error(`${source}: tensor "${name}" is a batch-norm variance but holds ${v} at index ${i}; variances cannot be negative`);
    }
  }
}
