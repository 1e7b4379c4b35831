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

const CORE_KEYS: ReadonlySet<string> = new Set(['norm', 'lambda', 'lambdaN', 'width', 'training']);

/**
 * A stable key for de-duplicating conditions that configure the model identically: every key of the condition,
 * plugin keys too (sorted by name; an undefined value counts as absent). The core part is written as it always
 * was (`norm|λ|λn|width`, then `|training` only in a training forward), so inference conditions keep the keys
 * that evaluation seeds are derived from.
 */
export function conditionKey(c: Condition): string {
  // λ is part of the key because conditioning plugins other than FLOAT's noise (e.g. OAT's FiLM) read it.
  let key = `${c.norm}|${round(c.lambda)}|${round(c.lambdaN)}|${round(c.width)}`;
  if (c.training) key += '|training';
  for (const k of Object.keys(c).filter((n) => !CORE_KEYS.has(n) && c[n] !== undefined).sort()) key += `|${k}=${stable(c[k])}`;
  return key;
}

/** JSON with object keys sorted, numbers rounded as above, and typed arrays as plain arrays. */
function stable(v: unknown): string {
  if (typeof v === 'number') return String(round(v));
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return stable(Array.from(v as unknown as ArrayLike<number>));
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? String(v);
}

function round(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}
