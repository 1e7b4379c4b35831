import type { LayerInfo, MaskUpdateContext } from '@floatjs/engine';
import { budgetOf, channelsPresent, checkDensity, defaultInclude, kernelName, MaskStore, sizeOf, type LayerMask, type PruningPlugin } from './masks';
import { maskChurn, type MaskChurn } from './churn';
import { MASK_ORDER_AFTER_NOISE, MASK_ORDER_BEFORE_NOISE } from './sparse-momentum';

export { channelsPresent };

export interface ChannelPruneOptions {
  /** Fraction d of the masked layers' weights kept; the global budget is ⌊d·Σ size⌋. */
  density: number;
  /** Mask the FLOAT noise too (default true), as in `sparseMomentum`. */
  maskNoise?: boolean;
  /** Which layers are masked. Default: every conv (stem, body, shortcut). */
  include?: (layer: Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>) => boolean;
}

/** S_c = ‖W[:, :, c, :]‖²_F for every input channel c of a conv kernel [kh, kw, in, out] (flat, tfjs layout). */
export function channelScores(weight: ArrayLike<number>, shape: readonly number[]): Float64Array {
  const [kh, kw, cin, cout] = shape;
  const out = new Float64Array(cin);
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < cin; c++) {
      const base = (p * cin + c) * cout;
      let s = 0;
      for (let o = 0; o < cout; o++) s += weight[base + o] * weight[base + o];
      out[c] += s;
    }
  }
  return out;
}

/** The mask keeping whole input channels. */
export function channelMask(name: string, shape: readonly number[], keep: readonly boolean[]): LayerMask {
  const [kh, kw, cin, cout] = shape;
  const bits = new Uint8Array(sizeOf(shape));
  let nnz = 0;
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < cin; c++) {
      if (!keep[c]) continue;
      bits.fill(1, (p * cin + c) * cout, (p * cin + c + 1) * cout);
      nnz += cout;
    }
  }
  return { name, shape: [...shape], bits, nnz };
}

/**
 * Global channel selection under a parameter budget. Each layer first keeps its best channel (so no conv is
 * cut off; throws if even that exceeds the budget). Then all remaining channels, sorted by normalised score
 * (descending; ties: layer order, then channel index), are kept one by one whenever their cost
 * (kh·kw·out weights) still fits in what is left of the budget.
 */
export function selectChannels(layers: ReadonlyArray<{ scores: ArrayLike<number>; cost: number }>, budget: number): boolean[][] {
  const keep = layers.map((l) => new Array<boolean>(l.scores.length).fill(false));
  let left = budget;
  layers.forEach((l, li) => {
    let best = 0;
    for (let c = 1; c < l.scores.length; c++) if (l.scores[c] > l.scores[best]) best = c;
    keep[li][best] = true;
    left -= l.cost;
  });
  if (left < 0) throw new Error(`channelPrune: the budget ${budget} cannot keep one input channel per layer`);
  const all: Array<[number, number, number]> = [];
  layers.forEach((l, li) => {
    for (let c = 0; c < l.scores.length; c++) if (!keep[li][c]) all.push([l.scores[c], li, c]);
  });
  all.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [, li, c] of all) {
    if (layers[li].cost <= left) {
      keep[li][c] = true;
      left -= layers[li].cost;
    }
  }
  return keep;
}

/**
 * Normalised channel scores of one layer: an active channel scores ‖W_c‖²_F / mean over active channels of
 * ‖W‖²_F; a pruned channel (all zeros) scores ‖v_c‖²_F / mean over active channels of ‖v‖²_F, v the SGD
 * momentum, so a pruned channel whose gradients keep pushing can come back. With no mask every channel is active.
 */
export function normalisedScores(
  weight: ArrayLike<number>,
  momentum: ArrayLike<number> | null,
  shape: readonly number[],
  active: readonly boolean[] | null,
): Float64Array {
  const sw = channelScores(weight, shape);
  const sv = momentum ? channelScores(momentum, shape) : new Float64Array(sw.length);
  const isActive = (c: number) => (active ? active[c] : true);
  let mw = 0;
  let mv = 0;
  let n = 0;
  for (let c = 0; c < sw.length; c++) {
    if (!isActive(c)) continue;
    mw += sw[c];
    mv += sv[c];
    n++;
  }
  mw = n ? mw / n : 0;
  mv = n ? mv / n : 0;
  const out = new Float64Array(sw.length);
  for (let c = 0; c < sw.length; c++) {
    if (isActive(c)) out[c] = mw > 0 ? sw[c] / mw : 0;
    else out[c] = mv > 0 ? sv[c] / mv : 0;
  }
  return out;
}

/**
 * FLOATS-c: structured pruning of whole input channels of every masked conv, allocated globally under the
 * density budget; masks set at the first optimizer step and re-ranked at every epoch end.
 */
export function channelPrune(options: ChannelPruneOptions): PruningPlugin {
  const { density } = options;
  checkDensity('channelPrune', density);
  const maskNoise = options.maskNoise ?? true;
  const include = options.include ?? defaultInclude;
  const store = new MaskStore('channel-prune', density);
  let churn: MaskChurn | null = null;

  const rank = (ctx: MaskUpdateContext) => {
    const layers = ctx.model.layers.filter((l) => include(l));
    for (const l of layers) {
      if (l.kind !== 'conv2d' || l.shape.length !== 4) throw new Error(`channelPrune: layer ${l.name} is not a conv; include convs only`);
    }
    const budget = budgetOf(density, layers.reduce((a, l) => a + sizeOf(l.shape), 0));
    const ranked = layers.map((l) => {
      const w = ctx.model.variables.get(kernelName(l.name))!.dataSync() as Float32Array;
      const m = ctx.optimizer.momentum.get(kernelName(l.name));
      const mask = store.masks.get(l.name);
      const active = mask ? channelsPresent(mask.bits, mask.shape) : null;
      const scores = normalisedScores(w, m ? (m.dataSync() as Float32Array) : null, l.shape, active);
      return { scores, cost: l.shape[0] * l.shape[1] * l.shape[3] };
    });
    const keep = selectChannels(ranked, budget);
    layers.forEach((l, i) => store.set(channelMask(l.name, l.shape, keep[i])));
  };

  return {
    name: 'channel-prune',
    options: { density, maskNoise },
    density,
    masks: () => store.masks,
    lastChurn: () => churn,
    weightTransform: store.transform(maskNoise ? MASK_ORDER_AFTER_NOISE : MASK_ORDER_BEFORE_NOISE),
    maskUpdate: {
      afterStep(ctx) {
        if (store.masks.size === 0) rank(ctx);
        store.applyToKernels(ctx);
        store.assertBudget(`after step ${ctx.step}`);
      },
      epochEnd(ctx) {
        const before = new Map(store.masks);
        rank(ctx);
        churn = maskChurn(before, store.masks, { epoch: ctx.epoch, step: ctx.step, unit: 'channels', rate: null });
        store.applyToKernels(ctx);
        store.assertBudget(`after the epoch-${ctx.epoch + 1} re-ranking`);
      },
    },
    getState: () => store.getState(),
    dispose: () => store.dispose(),
    setState: (state) => {
      store.setState(state);
    },
  };
}
