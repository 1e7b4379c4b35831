import type { Model } from '@floatjs/engine';

export interface ParamCount {
  total: number;
  trainable: number;
}

/** Parameter counts of a built model, split into the architecture's own share and each plugin's. */
export interface ParamBreakdown extends ParamCount {
  /** The architecture alone: kernels, biases and one norm parameter set per norm layer. */
  base: ParamCount;
  /**
   * What each plugin adds, by plugin name: its layer variables (e.g. FLOAT's `<conv>.alpha`), its model
   * variables (`<plugin>.<name>`) and, for normalization plugins, the extra norm parameter sets
   * (e.g. dual BN's second set `<norm>.adv.*`). Plugins that add nothing are listed with zeros.
   */
  byPlugin: Record<string, ParamCount>;
  /** Counts by the conventional variable-name patterns, for quick reading (overlaps `byPlugin`). */
  byPattern: { alpha: ParamCount; adv: ParamCount; film: ParamCount };
}

const NORM_FIELDS = ['gamma', 'beta', 'movingMean', 'movingVariance'] as const;

/** The variable names each plugin owns in this model (see `ParamBreakdown.byPlugin`). */
export function pluginVariableNames(model: Model): Map<string, string> {
  const owner = new Map<string, string>();
  const plugins = model.host.plugins;
  for (const p of plugins) {
    if (!p.modelVariables) continue;
    for (const name of model.variables.keys()) if (name.startsWith(`${p.name}.`)) owner.set(name, p.name);
  }
  for (const layer of model.layers) {
    const { extras: _extras, ...info } = layer;
    for (const p of plugins) {
      for (const spec of p.layerVariables?.(info) ?? []) owner.set(`${layer.name}.${spec.name}`, p.name);
    }
  }
  // Normalization plugins multiply the parameter sets of every norm layer; the first key is the base set.
  const normPlugins = plugins.filter((p) => p.normalization?.segments?.length);
  const keys = model.host.normKeys();
  if (normPlugins.length && keys.length > 1) {
    const who = normPlugins.map((p) => p.name).join('+');
    for (const layer of model.layers) {
      if (layer.kind !== 'norm') continue;
      for (const key of keys.slice(1)) for (const f of NORM_FIELDS) owner.set(`${layer.name}.${key}.${f}`, who);
    }
  }
  return owner;
}

/** Total, trainable, architecture and per-plugin parameter counts (running BN statistics count as non-trainable). */
export function countParams(model: Model): ParamBreakdown {
  const owner = pluginVariableNames(model);
  const zero = (): ParamCount => ({ total: 0, trainable: 0 });
  const out: ParamBreakdown = {
    total: 0,
    trainable: 0,
    base: zero(),
    byPlugin: Object.fromEntries(model.host.plugins.map((p) => [p.name, zero()])),
    byPattern: { alpha: zero(), adv: zero(), film: zero() },
  };
  const add = (c: ParamCount, size: number, trainable: boolean) => {
    c.total += size;
    if (trainable) c.trainable += size;
  };
  for (const [name, v] of model.variables) {
    add(out, v.size, v.trainable);
    const who = owner.get(name);
    if (who === undefined) add(out.base, v.size, v.trainable);
    else add((out.byPlugin[who] ??= zero()), v.size, v.trainable);
    if (/\.alpha$/.test(name)) add(out.byPattern.alpha, v.size, v.trainable);
    if (/\.adv\./.test(name)) add(out.byPattern.adv, v.size, v.trainable);
    if (/(^|\.)film(\.|-|$)/i.test(name)) add(out.byPattern.film, v.size, v.trainable);
  }
  return out;
}

export interface Storage {
  bitsPerWeight: number;
  /** Every trainable parameter at `bitsPerWeight` (the paper's "21.28 MB" for a FLOAT ResNet-34). */
  bytes: number;
  /**
   * As the paper's Fig. 7(b): trainable parameters without the norm layers' γ/β and without scalar
   * per-layer factors such as FLOAT's α ("neglecting the storage cost for the BN and α").
   */
  bytesWithoutNormAndScalars: number;
}

/** Parameter storage with every weight quantised to `bitsPerWeight` bits (default 8, as in the paper). */
export function parameterStorage(model: Model, bitsPerWeight = 8): Storage {
  const normNames = new Set<string>();
  const keys = model.host.normKeys();
  for (const layer of model.layers) {
    if (layer.kind !== 'norm') continue;
    for (const key of keys) for (const f of NORM_FIELDS) normNames.add(key ? `${layer.name}.${key}.${f}` : `${layer.name}.${f}`);
  }
  const scalarExtras = new Set<string>();
  for (const layer of model.layers) for (const [k, v] of Object.entries(layer.extras)) if (v.size === 1) scalarExtras.add(`${layer.name}.${k}`);
  let all = 0;
  let weights = 0;
  for (const [name, v] of model.variables) {
    if (!v.trainable) continue;
    all += v.size;
    if (!normNames.has(name) && !scalarExtras.has(name)) weights += v.size;
  }
  return { bitsPerWeight, bytes: (all * bitsPerWeight) / 8, bytesWithoutNormAndScalars: (weights * bitsPerWeight) / 8 };
}
