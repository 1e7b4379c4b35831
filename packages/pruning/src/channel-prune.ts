import type { LayerInfo, MaskUpdateContext } from '@floatjs/engine';
import { budgetOf, sizeOf, type PruningPlugin } from './masks';
import { channelPruneRegrow, fillByScore } from './channel-regrow';
import { channelMask, channelScores, channelsPresent } from './channels';
import { kernelOf, maskPlugin, momentumOf, type MaskScheduleOptions } from './mask-plugin';

/** The options of `sparseMomentum` but its seed; `pruneRate` is a fraction of each layer's active input channels. */
export type ChannelPruneOptions = MaskScheduleOptions;

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
  return fillByScore(keep, (li, c) => layers[li].scores[c], layers.map((l) => l.cost), left);
}

/**
 * FLOATS-c: structured pruning of whole input channels of every masked conv under the global density budget.
 * The first mask is a global ranking of ‖W_c‖²_F (normalised per layer) after the first optimizer step; every
 * epoch end but the last runs `channelPruneRegrow` at the decayed prune rate (see the package README).
 */
export function channelPrune(options: ChannelPruneOptions): PruningPlugin {
  return maskPlugin('channelPrune', 'channel-prune', options, (store, include) => {
    const maskedLayers = (ctx: MaskUpdateContext) => {
      const layers = ctx.model.layers.filter((l) => include(l));
      for (const l of layers) if (l.kind !== 'conv2d' || l.shape.length !== 4) throw new Error(`channelPrune: layer ${l.name} is not a conv; include convs only`);
      return { layers, budget: budgetOf(options.density, layers.reduce((a, l) => a + sizeOf(l.shape), 0)) };
    };
    const setMasks = (layers: LayerInfo[], keep: boolean[][]) => layers.forEach((l, i) => store.set(channelMask(l.name, l.shape, keep[i])));
    return {
      unit: 'channels',
      // The first mask, after the first (dense) optimizer step.
      ensure(ctx) {
        if (store.masks.size > 0) return;
        const { layers, budget } = maskedLayers(ctx);
        const ranked = layers.map((l) => {
          const s = channelScores(kernelOf(ctx, l.name), l.shape);
          const mean = s.reduce((a, b) => a + b, 0) / s.length;
          return { scores: s.map((v) => (mean > 0 ? v / mean : 0)), cost: l.shape[0] * l.shape[1] * l.shape[3] };
        });
        setMasks(layers, selectChannels(ranked, budget));
      },
      update(ctx, rate) {
        const { layers, budget } = maskedLayers(ctx);
        const signals = layers.map((l) => {
          const mask = store.masks.get(l.name)!;
          return { shape: l.shape, weight: kernelOf(ctx, l.name), momentum: momentumOf(ctx, l.name, sizeOf(l.shape)), active: channelsPresent(mask.bits, mask.shape) };
        });
        setMasks(layers, channelPruneRegrow(signals, rate, budget));
      },
    };
  });
}
