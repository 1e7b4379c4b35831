/**
 * The condition that travels with every forward pass. Attacks receive a logits function bound to
 * one condition, so the configuration that is attacked is exactly the one that is deployed.
 */
export interface Condition {
  /** The user-facing trade-off knob in [0, 1]. */
  lambda: number;
  /** The noise (or modulation) scale a plugin derives from `lambda`; FLOAT's λn. */
  lambdaN: number;
  /** Which normalization parameter set to use. */
  norm: 'clean' | 'adv';
  /** Width multiplier for slimmable models (1 = full width). */
  width: number;
  /** True only in a training forward: batch statistics are used and running statistics updated. */
  training: boolean;
  /** Plugins may add their own keys, namespaced by plugin name. */
  [pluginKey: string]: unknown;
}

export function condition(partial: Partial<Condition> = {}): Condition {
  return { lambda: 0, lambdaN: 0, norm: 'clean', width: 1, training: false, ...partial };
}

/** A stable key for de-duplicating conditions that configure the model identically. */
export function conditionKey(c: Condition): string {
  // λ is part of the key because conditioning plugins other than FLOAT's noise (e.g. OAT's FiLM) read it.
  return `${c.norm}|${round(c.lambda)}|${round(c.lambdaN)}|${round(c.width)}`;
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}
