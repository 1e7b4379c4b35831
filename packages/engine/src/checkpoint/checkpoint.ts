import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../model';
import { writeFileAtomic } from './atomic-write';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors';

export const WEIGHTS_FILE = 'model.safetensors';
export const RECIPE_FILE = 'recipe.json';
/** Safetensors metadata key holding the plugins' state (e.g. pruning masks) as JSON. */
export const PLUGIN_STATE_KEY = 'pluginState';
/** The trainer's state beside a training checkpoint (see training-state.ts). */
export const STATE_FILE = 'trainer-state.json';

/** Reads every variable into host memory, keyed by its model name. */
export async function readVariables(vars: ReadonlyMap<string, tf.Variable>): Promise<Map<string, StoredTensor>> {
  const out = new Map<string, StoredTensor>();
  for (const [name, v] of vars) out.set(name, { shape: [...v.shape], data: (await v.data()) as Float32Array });
  return out;
}

/**
 * Writes `model.safetensors` (every model variable under its model name, and the plugins' state such as
 * pruning masks in its metadata) and `recipe.json`, each atomically. The weights go first, so a recipe on
 * disk always describes complete weights.
 */
export async function saveCheckpoint(dir: string, model: Model, recipe: unknown): Promise<void> {
  const tensors = await readVariables(model.variables);
  const states = model.host.getStates();
  const metadata: Record<string, string> = { format: 'floatjs', architecture: model.architecture };
  if (Object.keys(states).length) metadata[PLUGIN_STATE_KEY] = JSON.stringify(states);
  const bytes = encodeSafetensors(tensors, metadata);
  writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
  writeFileAtomic(join(dir, RECIPE_FILE), `${JSON.stringify(recipe, null, 2)}\n`);
}

/** Reads `recipe.json` of a checkpoint directory, with errors that name the file. */
export function readRecipe<T = unknown>(dir: string): T {
  const path = join(dir, RECIPE_FILE);
  if (!existsSync(path)) throw new Error(`${path}: not found; expected a checkpoint directory written by \`float train\``);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Loads weights into an already-built model (names and shapes must match exactly) and restores the plugins'
 * state: a pruned model must be evaluated with its own masks, never with masks made up on the first forward.
 * Checkpoints written before the state moved into the weights file carry it in `trainer-state.json`.
 */
export function loadWeights(dir: string, model: Model): void {
  const path = join(dir, WEIGHTS_FILE);
  if (!existsSync(path)) throw new Error(`${path}: not found; expected the checkpoint's weights`);
  const { tensors, metadata } = decodeSafetensors(readFileSync(path), path);
  assignVariables(model.variables, tensors, path);
  const states = pluginStates(dir, metadata, path);
  if (states) model.host.setStates(states);
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
  if (!existsSync(legacy)) return null;
  const plugins = (JSON.parse(readFileSync(legacy, 'utf8')) as { plugins?: Record<string, unknown> }).plugins;
  return plugins && Object.keys(plugins).length ? plugins : null;
}

export function assignVariables(vars: ReadonlyMap<string, tf.Variable>, tensors: ReadonlyMap<string, StoredTensor>, source: string): void {
  const missing = [...vars.keys()].filter((n) => !tensors.has(n));
  const extra = [...tensors.keys()].filter((n) => !vars.has(n));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
    if (extra.length) parts.push(`unexpected ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`);
    throw new Error(`${source}: weights do not match the model (${parts.join('; ')})`);
  }
  for (const [name, v] of vars) {
    const t = tensors.get(name)!;
    if (t.shape.join(',') !== v.shape.join(',')) {
      throw new Error(`${source}: tensor "${name}" has shape [${t.shape}], the model expects [${v.shape}]`);
    }
  }
  for (const [name, v] of vars) {
    const t = tensors.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
  }
}
