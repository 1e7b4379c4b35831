import type { LayerInfo, MaskUpdateContext } from '@floatjs/engine';
import { budgetOf, channelsPresent, checkDensity, defaultInclude, kernelName, MaskStore, sizeOf, type LayerMask, type PruningPlugin } from './masks';
import { maskChurn, type MaskChurn } from './churn';
import { channelPruneRegrow } from './channel-regrow';
import { channelScores } from './channel-scores';
import { MASK_ORDER_AFTER_NOISE, MASK_ORDER_BEFORE_NOISE, pruneRateAt } from './sparse-momentum';

export { channelsPresent, channelScores };

export interface ChannelPruneOptions {
  /** Fraction d of the masked layers' weights kept; the global budget is ⌊d·Σ size⌋. */
  density: number;
  /** Prune rate at step 0 (fraction of each layer's active channels removed at an epoch end). Default 0.5. */
  pruneRate?: number;
  /** How the prune rate decays per step from `pruneRate` to `pruneFloor`. Default 'linear' (FLOAT's code). */
  decay?: 'linear' | 'cosine';
  /** Prune rate at the last step. Default 0.005 (SL's eta_min). */
  pruneFloor?: number;
  /** Total optimizer steps of the run (for the decay). Default: `epochs` × steps per epoch, else no decay. */
  totalSteps?: number;
  /** Epochs of the run; with the steps per epoch measured at the first epoch end this gives `totalSteps`. */
  epochs?: number;
  /** Mask the FLOAT noise too (default true), as in `sparseMomentum`. */
  maskNoise?: boolean;
  /** Which layers are masked. Default: every conv (stem, body, shortcut). */
  include?: (layer: Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>) => boolean;
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
 * FLOATS-c: structured pruning of whole input channels of every masked conv under the global density budget.
 * The first mask is a global ranking of ‖W_c‖²_F (normalised per layer) after the first optimizer step; every
 * epoch end but the last runs `channelPruneRegrow` at the decayed prune rate (see the package README).
 */
export function channelPrune(options: ChannelPruneOptions): PruningPlugin {
  const { density } = options;
  checkDensity('channelPrune', density);
  const pruneRate = options.pruneRate ?? 0.5;
  const pruneFloor = options.pruneFloor ?? 0.005;
  const decay = options.decay ?? 'linear';
  const maskNoise = options.maskNoise ?? true;
  const include = options.include ?? defaultInclude;
  if (!(pruneRate >= 0 && pruneRate <= 1)) throw new Error(`channelPrune: pruneRate must be in [0, 1], got ${pruneRate}`);
  if (decay !== 'linear' && decay !== 'cosine') throw new Error(`channelPrune: decay must be 'linear' or 'cosine', got ${String(decay)}`);
  const store = new MaskStore('channel-prune', density);
  let churn: MaskChurn | null = null;
  let stepsPerEpoch: number | null = null;
  const totalSteps = () => options.totalSteps ?? (options.epochs && stepsPerEpoch ? options.epochs * stepsPerEpoch : undefined);

  const maskedLayers = (ctx: MaskUpdateContext) => {
    const layers = ctx.model.layers.filter((l) => include(l));
    for (const l of layers) {
      if (l.kind !== 'conv2d' || l.shape.length !== 4) throw new Error(`channelPrune: layer ${l.name} is not a conv; include convs only`);
    }
    return { layers, budget: budgetOf(density, layers.reduce((a, l) => a + sizeOf(l.shape), 0)) };
  };
  const kernelOf = (ctx: MaskUpdateContext, name: string) => ctx.model.variables.get(kernelName(name))!.dataSync() as Float32Array;

  const initialMasks = (ctx: MaskUpdateContext) => {
    const { layers, budget } = maskedLayers(ctx);
    const ranked = layers.map((l) => {
      const s = channelScores(kernelOf(ctx, l.name), l.shape);
      const mean = s.reduce((a, b) => a + b, 0) / s.length;
      return { scores: s.map((v) => (mean > 0 ? v / mean : 0)), cost: l.shape[0] * l.shape[1] * l.shape[3] };
    });
    const keep = selectChannels(ranked, budget);
    layers.forEach((l, i) => store.set(channelMask(l.name, l.shape, keep[i])));
  };

  const pruneRegrow = (ctx: MaskUpdateContext, rate: number) => {
    const { layers, budget } = maskedLayers(ctx);
    const signals = layers.map((l) => {
      const m = ctx.optimizer.momentum.get(kernelName(l.name));
      const mask = store.masks.get(l.name)!;
      return {
        shape: l.shape,
        weight: kernelOf(ctx, l.name),
        momentum: m ? (m.dataSync() as Float32Array) : new Float32Array(sizeOf(l.shape)),
        active: channelsPresent(mask.bits, mask.shape),
      };
    });
    const keep = channelPruneRegrow(signals, rate, budget);
    layers.forEach((l, i) => store.set(channelMask(l.name, l.shape, keep[i])));
  };

  return {
    name: 'channel-prune',
    options: {
      density,
      pruneRate,
      decay,
      pruneFloor,
      maskNoise,
      ...(options.totalSteps !== undefined ? { totalSteps: options.totalSteps } : {}),
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    },
    density,
    masks: () => store.masks,
    lastChurn: () => churn,
    weightTransform: store.transform(maskNoise ? MASK_ORDER_AFTER_NOISE : MASK_ORDER_BEFORE_NOISE),
    maskUpdate: {
      afterStep(ctx) {
        if (store.masks.size === 0) initialMasks(ctx);
        store.applyToKernels(ctx);
        store.assertBudget(`after step ${ctx.step}`);
      },
      epochEnd(ctx) {
        if (store.masks.size === 0) initialMasks(ctx);
        if (stepsPerEpoch === null && ctx.step > 0) stepsPerEpoch = ctx.step / (ctx.epoch + 1);
        const rate = pruneRateAt(ctx.step, totalSteps(), pruneRate, pruneFloor, decay);
        const before = new Map(store.masks);
        pruneRegrow(ctx, rate);
        churn = maskChurn(before, store.masks, { epoch: ctx.epoch, step: ctx.step, unit: 'channels', rate });
        store.applyToKernels(ctx);
        store.assertBudget(`after the epoch-${ctx.epoch + 1} prune/regrow`);
      },
    },
    getState: () => store.getState({ stepsPerEpoch }),
    dispose: () => store.dispose(),
    setState: (state) => {
      const s = store.setState(state);
      stepsPerEpoch = typeof s.stepsPerEpoch === 'number' ? s.stepsPerEpoch : null;
    },
  };
}
