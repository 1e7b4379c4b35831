import type { LayerInfo, MaskUpdateContext } from '@floatjs/engine';
import { budgetOf, channelsPresent, kernelName, sizeOf, type LayerMask, type PruningPlugin } from './masks';
import { channelPruneRegrow } from './channel-regrow';
import { channelScores } from './channel-scores';
import { maskPlugin, type MaskScheduleOptions } from './mask-plugin';

export { channelsPresent, channelScores };

/** The options of `sparseMomentum` but its seed; `pruneRate` is a fraction of each layer's active input channels. */
export type ChannelPruneOptions = MaskScheduleOptions;

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
  return maskPlugin({ fn: 'channelPrune', name: 'channel-prune', options }, (store, include) => {
    const maskedLayers = (ctx: MaskUpdateContext) => {
      const layers = ctx.model.layers.filter((l) => include(l));
      for (const l of layers) {
        if (l.kind !== 'conv2d' || l.shape.length !== 4) throw new Error(`channelPrune: layer ${l.name} is not a conv; include convs only`);
      }
      return { layers, budget: budgetOf(options.density, layers.reduce((a, l) => a + sizeOf(l.shape), 0)) };
    };
    const kernelOf = (ctx: MaskUpdateContext, name: string) => ctx.model.variables.get(kernelName(name))!.dataSync() as Float32Array;
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
          const m = ctx.optimizer.momentum.get(kernelName(l.name));
          const mask = store.masks.get(l.name)!;
          return {
            shape: l.shape,
            weight: kernelOf(ctx, l.name),
            momentum: m ? (m.dataSync() as Float32Array) : new Float32Array(sizeOf(l.shape)),
            active: channelsPresent(mask.bits, mask.shape),
          };
        });
        setMasks(layers, channelPruneRegrow(signals, rate, budget));
      },
    };
  });
}
