import type { Condition } from './condition';
import type { LayerInfo, PluginOption } from './plugin';

/** One evaluated configuration of a trained model. */
export interface EvalSetting {
  /** The user's λ, or null for a model without a λ knob. */
  lambda: number | null;
  lambdaTh: number | null;
  cond: Condition;
  /** The slimmable width (channel slimming factor) the setting runs at; 1 for every non-slimmable method. */
  width: number;
  /** True when forwards draw noise, so attacks need EOT and verdicts vary between draws. */
  randomized: boolean;
}

/** Which of the paper's delay equations a method's conv layers follow: plain (Eq. 7), FLOAT (Eq. 8), OAT (Eq. 9). */
export type DelayKind = 'conv' | 'float' | 'oat';

/** What a cost model knows about a layer of a plain (plugin-free) architecture. */
export type LayerShape = Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>;

/** What a cost model needs to know about a method, so it never guesses from plugin names. */
export interface MethodCost {
  delayKind: DelayKind;
  /**
   * Trainable parameters the method's per-layer modules add to a plain architecture with these layers
   * (e.g. OAT's FiLM MLPs), for cost tables that do not build the model; `options` as the method's.
   */
  extraParams?(layers: readonly LayerShape[], options?: Record<string, unknown>): number;
}

/** A plugin layer variable of a slimmable model being cut to its width-w sub-network. */
export interface NarrowVariable {
  layer: LayerInfo;
  /** The variable's short name on the layer (e.g. `alpha`, `film.fc1.kernel`). */
  name: string;
  shape: number[];
  width: number;
  /** The channels the layer keeps at this width (⌊w·C⌋, at least 1). */
  channels: number;
}

/** How a method's own layer variables are cut when a width-w sub-network is exported (`float export --width`). */
export interface NarrowRules {
  /**
   * Scalar layer variables that scale noise drawn with the std of the layer's kernel (FLOAT's α): rescaled by
   * std(full kernel) / std(narrow kernel) so the narrow model's noise has the sub-network's distribution.
   */
  stdScaled?: readonly string[];
  /** The narrow shape of a variable the default rules do not cover (a leading-block slice), or undefined. */
  narrowExtra?(v: NarrowVariable): number[] | undefined;
}

/**
 * A training method as a unit: its plugins, the conditions it is evaluated at, and the facts about it that cost
 * models and exports need. Each conditioning package exports its kits; the CLI registers them or loads a
 * user's from a module (`float train --method ./my-method.js`).
 */
export interface MethodKit {
  name: string;
  description: string;
  /** Whether training crafts adversarial examples. */
  adversarial: boolean;
  /** `run` carries facts of the training run that plugins may schedule by (e.g. sparse momentum's decay). */
  plugins(options: Record<string, unknown>, run?: { epochs?: number }): PluginOption;
  /** `options`: the run's recorded method options (OAT's λ set decides which λs it can be evaluated at). */
  settings(lambdas: number[], lambdaThs: number[], options?: Record<string, unknown>): EvalSetting[];
  /** Absent: plain convs (Eq. 7), no extra modules. */
  cost?: MethodCost;
  narrow?: NarrowRules;
  /** Slimmable methods: the trained widths, and the method a width-w sub-network is exported as. */
  slim?: { base: string; widths: readonly number[] };
}
