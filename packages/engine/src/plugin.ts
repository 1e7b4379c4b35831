import type * as tf from '@tensorflow/tfjs-core';
import type { Condition } from './condition';
import type { Rng } from '@floatjs/random';

/** What a hook knows about the layer asking it. */
export interface LayerInfo {
  name: string;
  kind: 'conv2d' | 'dense' | 'norm';
  /** `classifier` marks the final linear layer (FLOAT leaves it noise-free). */
  role: 'stem' | 'body' | 'shortcut' | 'classifier';
  /** Kernel shape: conv [kh, kw, in, out] (tfjs layout), dense [in, out], norm [channels]. */
  shape: number[];
  /** Variables plugins attached to this layer (see `Plugin.layerVariables`), by short name. */
  extras: Record<string, tf.Variable>;
}

export interface ForwardContext {
  cond: Condition;
  /** Source of every random draw made inside a forward (e.g. FLOAT's η), so runs are seeded. */
  rng: Rng;
}

export interface LayerVariableSpec {
  /** Short name; stored as `<layer>.<name>` in checkpoints. */
  name: string;
  shape: number[];
  init: number;
  trainable: boolean;
}

export interface ModelVariableSpec {
  name: string;
  shape: number[];
  /** A constant fill, or the exact initial values (row-major). */
  init: number | Float32Array;
  trainable: boolean;
}

/**
 * Named positions of the weight transforms, run lowest first, so that plugins from different packages agree on
 * the order without magic numbers (a value between two phases is allowed).
 */
export const WEIGHT_PHASE = {
  /** Masks applied to the clean kernel, before the noise (pruned weights then receive noise). */
  beforeNoise: -100,
  /** The default: weight noise and other value transforms. */
  noise: 0,
  /** Masks applied after the noise (pruned weights stay exactly zero). */
  afterNoise: 100,
  /** Transforms that change the kernel's shape (slimmable width slicing): after every value transform. */
  reshape: 1000,
} as const;

/** Hook 1: rewrite a kernel before a conv/dense uses it. Lower `order` runs first (see `WEIGHT_PHASE`; default `noise`). */
export interface WeightTransformHook {
  order?: number;
  apply(weight: tf.Tensor, layer: LayerInfo, ctx: ForwardContext): tf.Tensor;
}

/**
 * Hook 2: choose the normalization parameter set, and optionally wrap the normalized features.
 * Each plugin contributes one key segment; a norm layer holds one parameter set per combination
 * of all plugins' segments (e.g. clean/adv × width), each with its own running statistics.
 */
export interface NormalizationHook {
  segments?: readonly string[];
  select?(layer: LayerInfo, cond: Condition): string;
  wrap?(features: tf.Tensor4D, layer: LayerInfo, ctx: ForwardContext): tf.Tensor4D;
}

/** Crafts adversarial inputs against a logits function (bound to one condition, inference mode). */
export type Adversary = (logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, seed: number) => tf.Tensor4D;
export type LogitsFn = (x: tf.Tensor4D) => tf.Tensor2D;

/**
 * What hooks see of the model: its forward pass, variables and layers. A view, so that the contract depends
 * on no class (the engine's `Model` satisfies it).
 */
export interface ModelView {
  forward(x: tf.Tensor4D, cond: Condition, rng?: Rng): tf.Tensor2D;
  logitsFn(cond: Partial<Condition>, rng?: Rng): LogitsFn;
  readonly variables: ReadonlyMap<string, tf.Variable>;
  readonly layers: readonly LayerInfo[];
}

/** What mask hooks see of the optimizer: its momentum buffers by variable name (sparse momentum regrows from them). */
export interface OptimizerView {
  readonly momentum: ReadonlyMap<string, tf.Variable>;
}

export interface LossMixContext {
  model: ModelView;
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  adversary: Adversary | null;
  rng: Rng;
  step: number;
  epoch: number;
}

export interface PreparedLoss {
  /** Differentiated by the trainer; called exactly once per step, inside the gradient tape. */
  loss(): tf.Scalar;
  /** Frees what `prepare` made (adversarial inputs, splits). */
  dispose(): void;
}

/**
 * Hook 3: how a training batch is split across conditions and how the losses combine.
 * `prepare` runs outside the gradient tape, so attacks never leave a gradient path.
 */
export interface LossMixHook {
  prepare(ctx: LossMixContext): PreparedLoss;
}

/**
 * A loss mix that runs around the recipe's other loss mix instead of replacing it (e.g. a loop over slimmable
 * widths). The host hands it the composed inner mix; its own `prepare` is used only when the recipe has no
 * other loss mix. Wrappers compose in recipe order: the first listed is innermost.
 */
export interface WrappingLossMixHook extends LossMixHook {
  wrap(inner: LossMixHook): LossMixHook;
}

export interface MaskUpdateContext {
  model: ModelView;
  optimizer: OptimizerView;
  step: number;
  epoch: number;
}

/** Hook 4: after each optimizer step (apply masks) and at the end of every epoch but the last (prune/regrow). */
export interface MaskUpdateHook {
  afterStep?(ctx: MaskUpdateContext): void;
  epochEnd?(ctx: MaskUpdateContext): void;
}

/** A plugin is a plain object made by a factory: `{ name, options, ...hooks }` (the Rollup/Vite shape). */
export interface Plugin {
  name: string;
  /** The factory's options, recorded in the recipe so a checkpoint can rebuild the plugin. */
  options?: Record<string, unknown>;
  layerVariables?(layer: Omit<LayerInfo, 'extras'>): LayerVariableSpec[];
  /**
   * Variables that belong to the whole model rather than a layer (e.g. OAT's λ encoding matrix), stored as
   * `<plugin name>.<name>` in checkpoints so they are reloaded, never regenerated. Created before the
   * layers; `bind` receives them by short name.
   */
  modelVariables?(): ModelVariableSpec[];
  bindModelVariables?(vars: Record<string, tf.Variable>): void;
  weightTransform?: WeightTransformHook;
  normalization?: NormalizationHook;
  lossMix?: LossMixHook;
  maskUpdate?: MaskUpdateHook;
  /** JSON-serialisable plugin state saved with checkpoints. */
  getState?(): unknown;
  setState?(state: unknown): void;
  /**
   * Frees tensors the plugin caches; `Model.dispose` calls it. The plugin must stay usable afterwards
   * (recreating what it needs), since one plugin object may serve several models.
   */
  dispose?(): void;
}

/** Recipes allow falsy entries and nesting, so ablations can write `cfg.noise && floatNoise()`. */
export type PluginOption = Plugin | false | null | undefined | readonly PluginOption[];
