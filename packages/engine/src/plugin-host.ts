import type * as tf from '@tensorflow/tfjs-core';
import type { Condition } from './condition';
import { WEIGHT_PHASE } from './plugin';
import type {
  ForwardContext,
  LayerInfo,
  LayerVariableSpec,
  LossMixHook,
  MaskUpdateContext,
  Plugin,
  PluginOption,
  WrappingLossMixHook,
} from './plugin';

export function isWrappingLossMix(hook: LossMixHook): hook is WrappingLossMixHook {
  return typeof (hook as Partial<WrappingLossMixHook>).wrap === 'function';
}

export function flattenPlugins(option: PluginOption): Plugin[] {
  if (!option) return [];
  if (isList(option)) return option.flatMap(flattenPlugins);
  return [option];
}

function isList(option: PluginOption): option is readonly PluginOption[] {
  return Array.isArray(option);
}

/** The composed view of a recipe that layers and the trainer ask; layers never see plugins directly. */
export class PluginHost {
  readonly plugins: readonly Plugin[];
  private readonly transforms: Plugin[];
  private readonly normPlugins: Plugin[];
  private readonly composedLossMix: LossMixHook | undefined;

  constructor(recipe: PluginOption = []) {
    this.plugins = flattenPlugins(recipe);
    const names = new Set<string>();
    for (const p of this.plugins) {
      if (names.has(p.name)) throw new Error(`recipe lists plugin "${p.name}" twice; each plugin may appear once`);
      names.add(p.name);
    }
    this.transforms = this.plugins
      .filter((p) => p.weightTransform)
      .sort((a, b) => (a.weightTransform!.order ?? WEIGHT_PHASE.noise) - (b.weightTransform!.order ?? WEIGHT_PHASE.noise));
    this.normPlugins = this.plugins.filter((p) => p.normalization?.segments?.length);
    const mixes = this.plugins.filter((p) => p.lossMix && !isWrappingLossMix(p.lossMix));
    if (mixes.length > 1) {
      throw new Error(`recipe has ${mixes.length} loss mixes (${mixes.map((p) => p.name).join(', ')}); expected at most one`);
    }
    let mix = mixes[0]?.lossMix;
    for (const p of this.plugins) {
      const hook = p.lossMix;
      if (hook && isWrappingLossMix(hook)) mix = mix ? hook.wrap(mix) : hook;
    }
    this.composedLossMix = mix;
  }

  /** The recipe's loss mix, wrapped by every wrapping loss mix (see `WrappingLossMixHook`). */
  get lossMix(): LossMixHook | undefined {
    return this.composedLossMix;
  }

  layerVariables(layer: Omit<LayerInfo, 'extras'>): LayerVariableSpec[] {
    return this.plugins.flatMap((p) => p.layerVariables?.(layer) ?? []);
  }

  transformWeight(weight: tf.Tensor, layer: LayerInfo, ctx: ForwardContext): tf.Tensor {
    let w = weight;
    for (const p of this.transforms) w = p.weightTransform!.apply(w, layer, ctx);
    return w;
  }

  /** Every parameter-set key a norm layer must hold ('' when no plugin splits normalization). */
  normKeys(): string[] {
    let keys = [''];
    for (const p of this.normPlugins) {
      const segs = p.normalization!.segments!;
      keys = keys.flatMap((k) => segs.map((s) => (k ? `${k}.${s}` : s)));
    }
    return keys;
  }

  normKey(layer: LayerInfo, cond: Condition): string {
    const parts: string[] = [];
    for (const p of this.normPlugins) {
      const seg = p.normalization!.select?.(layer, cond) ?? p.normalization!.segments![0];
      if (!p.normalization!.segments!.includes(seg)) {
        throw new Error(`plugin "${p.name}" selected norm set "${seg}", expected one of ${p.normalization!.segments!.join(', ')}`);
      }
      parts.push(seg);
    }
    return parts.join('.');
  }

  /** Whether any plugin wraps normalized features (then a norm cannot be folded into its conv). */
  wrapsNorm(): boolean {
    return this.plugins.some((p) => p.normalization?.wrap);
  }

  wrapNorm(features: tf.Tensor4D, layer: LayerInfo, ctx: ForwardContext): tf.Tensor4D {
    let y = features;
    for (const p of this.plugins) if (p.normalization?.wrap) y = p.normalization.wrap(y, layer, ctx);
    return y;
  }

  afterStep(ctx: MaskUpdateContext): void {
    for (const p of this.plugins) p.maskUpdate?.afterStep?.(ctx);
  }

  epochEnd(ctx: MaskUpdateContext): void {
    for (const p of this.plugins) p.maskUpdate?.epochEnd?.(ctx);
  }

  describe(): Array<{ name: string; options: Record<string, unknown> }> {
    return this.plugins.map((p) => ({ name: p.name, options: p.options ?? {} }));
  }

  getStates(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const p of this.plugins) if (p.getState) out[p.name] = p.getState();
    return out;
  }

  setStates(states: Record<string, unknown>): void {
    for (const p of this.plugins) if (p.setState && p.name in states) p.setState(states[p.name]);
  }

  /** Frees the plugins' cached tensors (`Plugin.dispose`). */
  dispose(): void {
    for (const p of this.plugins) p.dispose?.();
  }
}

export type { Condition };
