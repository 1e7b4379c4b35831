import type { ArchitectureDef, Model, ModelBuilder, NarrowRules, NarrowVariable, StoredTensor } from '@floatjs/engine';
import { slicePrefix } from './slice-array';
import { SWITCHABLE_NORM } from './switchable-norm';
import { channelsAt, checkWidth, widthSegment } from './width';
import { narrowShape } from './width-slice';

/** `resnet20` at width 0.5 is `resnet20-w0_5`. */
export function narrowArchitectureName(name: string, width: number): string {
  return `${name}-${widthSegment(width)}`;
}

/**
 * The architecture `arch` built at width w: every conv, norm and dense declared with ⌊w·C⌋ channels where the
 * slimmable slice would keep ⌊w·C⌋ (`narrowShape`); same layer names, so the weights `narrowWeights` returns
 * load into it. Its forward equals the wide model's forward at `cond.width = w`.
 */
export function narrowArchitecture(arch: ArchitectureDef, width: number): ArchitectureDef {
  checkWidth(width, 'narrowArchitecture');
  const k = (c: number) => channelsAt(c, width);
  return {
    name: narrowArchitectureName(arch.name, width),
    description: `${arch.description} — slimmable sub-network at width ${width} (first ⌊${width}·C⌋ channels)`,
    build(b, input) {
      // Everything else (the registry, dropout, the host) is the real builder's.
      const view = Object.create(b) as ModelBuilder;
      const narrowConv = (opts: Parameters<ModelBuilder['conv']>[1]) => ({ ...opts, inChannels: opts.role === 'stem' ? opts.inChannels : k(opts.inChannels), filters: k(opts.filters) });
      view.conv = (name, opts) => b.conv(name, narrowConv(opts));
      view.convNorm = (convName, opts, normName, activation) => b.convNorm(convName, narrowConv(opts), normName, activation);
      view.norm = (name, channels) => b.norm(name, k(channels));
      view.dense = (name, inFeatures, outFeatures, role = 'classifier') => b.dense(name, k(inFeatures), role === 'classifier' ? outFeatures : k(outFeatures), role);
      return arch.build(view, input);
    },
  };
}

/** A plugin layer variable being narrowed (the engine's `NarrowVariable`; `channels` is what the layer keeps). */
export type NarrowExtra = NarrowVariable;

/**
 * How plugin layer variables are narrowed: a method kit's `narrow` rules (`NarrowRules`).
 * - `stdScaled`: short names of scalar layer variables that scale noise drawn with the std of the full kernel,
 *   FLOAT's α (`alpha`). The narrow model draws its noise with the std of its own (narrow) kernel, so these are
 *   multiplied by std(full kernel) / std(narrow kernel): the narrow model's noise then has the sub-network's
 *   distribution. Left out, the narrow model is a FLOAT model in its own right with the same α.
 * - `narrowExtra`: the narrow shape of a plugin's layer variable that the default rules do not cover (a
 *   leading-block slice is taken), or undefined to fall through. Defaults: scalars are kept; a norm layer's
 *   `[C]` vectors become `[⌊w·C⌋]`; anything else throws.
 */
export type NarrowOptions = NarrowRules;

const NORM_FIELDS = ['gamma', 'beta', 'movingMean', 'movingVariance'] as const;

/** Norm keys of the wide model at this width → the keys the narrow model (no switchable norm) uses. */
function normKeyMap(model: Model, width: number): Map<string, string> {
  const normPlugins = model.host.plugins.filter((p) => p.normalization?.segments?.length);
  const switchable = normPlugins.findIndex((p) => p.name === SWITCHABLE_NORM);
  let tuples: string[][] = [[]];
  for (const p of normPlugins) tuples = tuples.flatMap((t) => p.normalization!.segments!.map((s) => [...t, s]));
  const seg = widthSegment(width);
  const map = new Map<string, string>();
  for (const t of tuples) {
    if (switchable >= 0 && t[switchable] !== seg) continue;
    map.set(t.join('.'), (switchable < 0 ? t : t.filter((_, i) => i !== switchable)).join('.'));
  }
  if (switchable >= 0 && map.size === 0) {
    const trained = normPlugins[switchable].normalization!.segments!.join(', ');
    throw new Error(`narrowWeights: width ${width} has no norm set (${seg}); the model's switchable norm holds ${trained}`);
  }
  return map;
}

const join = (...parts: string[]) => parts.filter(Boolean).join('.');

function populationStd(data: Float32Array): number {
  let m = 0;
  for (const v of data) m += v;
  m /= data.length;
  let s = 0;
  for (const v of data) s += (v - m) ** 2;
  return Math.sqrt(s / data.length);
}

/**
 * The weights of the sub-network at width w with their narrow shapes, named as `narrowArchitecture(arch, w)`
 * built with the recipe minus the slimmable plugins names them:
 * - conv/dense kernels (and dense biases) sliced as the width slice does (`narrowShape`);
 * - each norm layer's sets of this width, sliced to ⌊w·C⌋ and renamed without the width segment
 *   (`bn1.clean.w0_5.gamma` → `bn1.clean.gamma`); other widths' sets are dropped;
 * - plugin layer variables by `options` (see `NarrowOptions`); model-level variables copied as they are.
 * Reads every variable synchronously. Load the result with the engine's `assignVariables`.
 */
export function narrowWeights(model: Model, width: number, options: NarrowOptions = {}): Map<string, StoredTensor> {
  checkWidth(width, 'narrowWeights');
  const vars = model.variables;
  const read = (name: string): Float32Array => {
    const v = vars.get(name);
    if (!v) throw new Error(`narrowWeights: model has no variable "${name}"`);
    return v.dataSync() as Float32Array;
  };
  const out = new Map<string, StoredTensor>();
  const done = new Set<string>();
  const put = (from: string, to: string, shape: number[], size: number[]) => {
    out.set(to, { shape: size, data: slicePrefix(read(from), shape, size) });
    done.add(from);
  };
  const keys = normKeyMap(model, width);
  const scaled = new Set(options.stdScaled ?? []);

  for (const layer of model.layers) {
    const size = narrowShape(layer, width);
    if (layer.kind === 'norm') {
      const normNames = new Set(model.host.normKeys().flatMap((key) => NORM_FIELDS.map((f) => join(layer.name, key, f))));
      for (const [wide, narrow] of keys) for (const f of NORM_FIELDS) put(join(layer.name, wide, f), join(layer.name, narrow, f), layer.shape, size);
      for (const n of normNames) done.add(n); // other widths' sets are dropped
    } else {
      put(`${layer.name}.kernel`, `${layer.name}.kernel`, layer.shape, size);
      if (layer.kind === 'dense' && vars.has(`${layer.name}.bias`)) put(`${layer.name}.bias`, `${layer.name}.bias`, [layer.shape[1]], [size[1]]);
    }
    for (const [name, v] of Object.entries(layer.extras)) {
      const full = `${layer.name}.${name}`;
      const shape = [...v.shape];
      let target = options.narrowExtra?.({ layer, name, shape, width, channels: size[size.length - 1] });
      if (!target && shape.length === 0) target = [];
      if (!target && layer.kind === 'norm' && shape.length === 1 && shape[0] === layer.shape[0]) target = [channelsAt(shape[0], width)];
      if (!target) {
        throw new Error(
          `narrowWeights: no rule narrows ${full} [${shape}]; pass options.narrowExtra returning its shape at width ${width}`,
        );
      }
      put(full, full, shape, target);
      if (scaled.has(name)) rescaleByStd(out.get(full)!, read(`${layer.name}.kernel`), out.get(`${layer.name}.kernel`)?.data, full);
    }
  }
  for (const [name, v] of vars) {
    if (!done.has(name)) out.set(name, { shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) });
  }
  return out;
}

function rescaleByStd(t: StoredTensor, wide: Float32Array, narrow: Float32Array | undefined, name: string): void {
  if (!narrow) throw new Error(`narrowWeights: stdScaled ${name} is on a layer without a kernel`);
  if (t.data.length !== 1) throw new Error(`narrowWeights: stdScaled ${name} must be a scalar, has ${t.data.length} elements`);
  const sNarrow = populationStd(narrow);
  // An all-zero narrow kernel draws no noise either way.
  if (sNarrow > 0) t.data[0] *= populationStd(wide) / sNarrow;
}
