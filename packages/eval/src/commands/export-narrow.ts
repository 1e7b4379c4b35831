import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { assignVariables, conditionKey, type Condition, type LayerInfo, type Model } from '@floatjs/engine';
import { saveCheckpoint } from '@floatjs/checkpoint';
import { decodeBits, encodeBits, type MaskState } from '@floatjs/pruning';
import { narrowShape, narrowWeights, slicePrefix } from '@floatjs/slimmable';
import { loadCheckpointModel } from '../recipes/checkpoint-model';
import { measureLatency, type LatencyResult, type LatencyTarget } from '../cost';
import { getMethod, methodNames, type EvalSetting } from '../recipes/methods';
import { narrowArchitectureFor } from '../recipes/narrow-architectures';
import { buildModel, type Recipe } from '../recipes/recipe';

/** A narrow checkpoint's recipe: the base method's, plus where it was cut from. */
export interface NarrowRecipe extends Recipe {
  slimmable: { method: string; architecture: string; width: number; source: string };
}

export interface NarrowExport {
  /** The checkpoint directory written (`float eval` reads it). */
  dir: string;
  source: string;
  width: number;
  /** The slimmable method trained, and the base method the narrow model is (float, floats-i, oat). */
  slimMethod: string;
  method: string;
  /** The narrow architecture, e.g. `cnn-s-w0_5`. */
  architecture: string;
  tensors: number;
  /** Parameters of the wide (all widths, switchable norm) and the exported model, as `Model.paramCount`. */
  params: { wide: { total: number; trainable: number }; narrow: { total: number; trainable: number } };
  /** Plugins whose state (sliced pruning masks) went into the weights file's metadata with the narrow model's. */
  pluginStates: string[];
}

function isMaskState(s: unknown): s is MaskState {
  const m = (s as MaskState | null)?.masks;
  return typeof m === 'object' && m !== null && Object.values(m).every((e) => Array.isArray(e?.shape) && typeof e?.bits === 'string');
}

/**
 * The plugin states of a wide model for its width-w sub-network: every pruning mask sliced like its kernel
 * (`slicePrefix` to `narrowShape`), so the narrow model keeps exactly the zeros of the sliced kernels. A state
 * that holds no masks cannot be narrowed and throws.
 */
export function narrowPluginStates(states: Record<string, unknown>, layers: readonly LayerInfo[], width: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [plugin, state] of Object.entries(states)) {
    if (!isMaskState(state)) throw new Error(`exportNarrow: plugin "${plugin}" has a state without masks; no rule narrows it to width ${width}`);
    const masks: MaskState['masks'] = {};
    for (const [name, { shape, bits }] of Object.entries(state.masks)) {
      const layer = layers.find((l) => l.name === name);
      if (!layer) throw new Error(`exportNarrow: plugin "${plugin}" holds a mask for "${name}", which is not a layer of the model`);
      const size = narrowShape(layer, width);
      const full = decodeBits(bits, shape.reduce((a, b) => a * b, 1));
      masks[name] = { shape: size, bits: encodeBits(slicePrefix(full, shape, size)) };
    }
    out[plugin] = { ...state, masks };
  }
  return out;
}

/**
 * `float export --width W`: the width-W sub-network of a slimmable checkpoint (`float-slim`, `floats-slim`,
 * `oat-slim`) written as a checkpoint of its base method (`float`, `floats-i`, `oat`) on the narrow architecture
 * (`<arch>-w0_5`): physically smaller kernels, norm layers and FiLM MLPs, so its speed-up is real. The layout:
 * - weights: `narrowWeights` by the method kit's `narrow` rules (FLOAT's α rescaled by std(full kernel)/std(narrow
 *   kernel), so the narrow model's noise has the sub-network's distribution; OAT's FiLM MLPs cut as OAT's);
 * - recipe.json: the source recipe with the base method, the narrow architecture and a `slimmable` field;
 * - pruning masks (floats-slim) sliced like their kernels, saved as the narrow model's plugin state.
 * Its forward equals the source model's forward at `cond.width = W` (exactly at λn = 0; in distribution for λn > 0).
 */
export async function exportNarrow(dir: string, outDir: string, width: number): Promise<NarrowExport> {
  const { recipe, model: wide } = loadCheckpointModel(dir);
  let narrow: Model | null = null;
  try {
    const method = getMethod(recipe.method);
    const slim = method.slim;
    if (!slim) {
      const slimmable = methodNames().filter((n) => getMethod(n).slim);
      throw new Error(`${dir}/recipe.json: method "${recipe.method}" is not slimmable; --width needs a model trained with ${slimmable.join(', ')}`);
    }
    if (!slim.widths.some((w) => Math.abs(w - width) < 1e-9)) {
      throw new Error(`--width: ${width} is not a width ${dir} was trained at; expected one of ${slim.widths.join(', ')}`);
    }
    const weights = narrowWeights(wide, width, method.narrow);
    const architecture = width === 1 ? recipe.architecture : narrowArchitectureFor(recipe.architecture, width);
    const base: Recipe = { ...recipe, method: slim.base, architecture };
    narrow = buildModel(base);
    assignVariables(narrow.variables, weights, `exportNarrow(${dir}, width ${width})`);
    const states = narrowPluginStates(wide.host.getStates(), wide.layers, width);
    narrow.host.setStates(states);
    const out: NarrowRecipe = {
      ...base,
      plugins: narrow.host.describe(),
      slimmable: { method: recipe.method, architecture: recipe.architecture, width, source: dir },
    };
    mkdirSync(outDir, { recursive: true });
    await saveCheckpoint(outDir, narrow, out);
    return {
      dir: outDir,
      source: dir,
      width,
      slimMethod: recipe.method,
      method: slim.base,
      architecture,
      tensors: weights.size,
      params: { wide: wide.paramCount(), narrow: narrow.paramCount() },
      pluginStates: Object.keys(states),
    };
  } finally {
    wide.dispose();
    narrow?.dispose();
  }
}

/** The base method's deterministic settings at λ ∈ {0, 1} (λ_th = 0), with λn set to 0 where it was not. */
export function noiseFreeSettings(baseMethod: string): Array<Pick<EvalSetting, 'lambda' | 'cond'>> {
  const out = new Map<string, Pick<EvalSetting, 'lambda' | 'cond'>>();
  for (const s of getMethod(baseMethod).settings([0, 1], [0])) {
    const cond = { ...s.cond, lambdaN: s.randomized ? 0 : s.cond.lambdaN };
    if (!out.has(conditionKey(cond))) out.set(conditionKey(cond), { lambda: s.lambda, cond });
  }
  return [...out.values()];
}

/**
 * max over the noise-free settings of max|narrow − wide@w| / max|wide@w| on a seeded random batch: how exactly
 * the exported model computes the wide model's width-w sub-network (float32 rounding only, ~1e-6).
 */
export function narrowParity(wide: Model, narrow: Model, width: number, baseMethod: string, batch = 8): number {
  const { height, width: w, channels } = wide.input;
  const x = tf.randomUniform([batch, height, w, channels], 0, 1, 'float32', 11) as tf.Tensor4D;
  let worst = 0;
  try {
    for (const { cond } of noiseFreeSettings(baseMethod)) {
      const a = tf.tidy(() => narrow.logitsFn(cond)(x).dataSync() as Float32Array);
      const b = tf.tidy(() => wide.logitsFn({ ...cond, width })(x).dataSync() as Float32Array);
      let num = 0;
      let den = 1e-12;
      for (let i = 0; i < a.length; i++) {
        num = Math.max(num, Math.abs(a[i] - b[i]));
        den = Math.max(den, Math.abs(b[i]));
      }
      worst = Math.max(worst, num / den);
    }
  } finally {
    x.dispose();
  }
  return worst;
}

export type NarrowLatencyRole = 'wide' | 'wide-at-width' | 'narrow';

/**
 * Latency targets for one slimmable model and its export at λ ∈ {0, 1} (the base method's settings at λ_th = 0):
 * the wide model at width 1, the wide model at width w (the same kernels sliced on every forward) and the
 * exported narrow model. Time them with `measureLatency`, round-robin with anything else.
 */
export function narrowLatencyTargets(
  wide: Model,
  narrow: Model,
  width: number,
  baseMethod: string,
  label = 'model',
): Array<LatencyTarget & { lambda: number | null; role: NarrowLatencyRole }> {
  const seen = new Set<string>();
  const out: Array<LatencyTarget & { lambda: number | null; role: NarrowLatencyRole }> = [];
  for (const s of getMethod(baseMethod).settings([0, 1], [0])) {
    const key = conditionKey(s.cond);
    if (seen.has(key)) continue;
    seen.add(key);
    const cond: Condition = s.cond;
    out.push(
      { label: `${label}@${s.lambda}:w1`, model: wide, cond: { ...cond, width: 1 }, lambda: s.lambda, role: 'wide' },
      { label: `${label}@${s.lambda}:w${width}`, model: wide, cond: { ...cond, width }, lambda: s.lambda, role: 'wide-at-width' },
      { label: `${label}@${s.lambda}:narrow`, model: narrow, cond, lambda: s.lambda, role: 'narrow' },
    );
  }
  return out;
}

export interface NarrowLatency {
  lambda: number | null;
  batch: number;
  /** Median ms of one forward of the batch: the wide model at width 1, at width w, and the exported narrow model. */
  wideMs: number;
  wideAtWidthMs: number;
  narrowMs: number;
  /** wideMs / narrowMs: the measured speed-up of the exported model over the full one. */
  speedup: number;
}

/**
 * Measured inference latency of a slimmable checkpoint at width 1 and at width w, and of its `exportNarrow`
 * export, at λ ∈ {0, 1}, timed round-robin (`measureLatency`) on one batch of seeded random images.
 */
export function measureNarrowLatency(
  dir: string,
  narrowDir: string,
  opts: { batch?: number; reps?: number; warmup?: number; seed?: number } = {},
): NarrowLatency[] {
  const { model: wide } = loadCheckpointModel(dir);
  let narrow: Model | null = null;
  try {
    const loaded = loadCheckpointModel(narrowDir);
    narrow = loaded.model;
    const info = (loaded.recipe as Partial<NarrowRecipe>).slimmable;
    if (!info) throw new Error(`${narrowDir}/recipe.json: field "slimmable" is missing; expected a model written by exportNarrow`);
    const targets = narrowLatencyTargets(wide, narrow, info.width, loaded.recipe.method);
    const batch = opts.batch ?? 64;
    const res = measureLatency(targets, { batch, reps: opts.reps, warmup: opts.warmup, seed: opts.seed });
    return narrowLatencyRows(targets, res, batch);
  } finally {
    wide.dispose();
    narrow?.dispose();
  }
}

/** One row per λ from timed `narrowLatencyTargets` (results in the same order as the targets). */
export function narrowLatencyRows(
  targets: ReadonlyArray<{ lambda: number | null; role: NarrowLatencyRole }>,
  results: ReadonlyArray<Pick<LatencyResult, 'medianMs'>>,
  batch: number,
): NarrowLatency[] {
  const rows = new Map<number | null, NarrowLatency>();
  targets.forEach((t, i) => {
    const row = rows.get(t.lambda) ?? { lambda: t.lambda, batch, wideMs: Number.NaN, wideAtWidthMs: Number.NaN, narrowMs: Number.NaN, speedup: Number.NaN };
    const ms = results[i].medianMs;
    if (t.role === 'wide') row.wideMs = ms;
    else if (t.role === 'wide-at-width') row.wideAtWidthMs = ms;
    else row.narrowMs = ms;
    row.speedup = row.wideMs / row.narrowMs;
    rows.set(t.lambda, row);
  });
  return [...rows.values()];
}
