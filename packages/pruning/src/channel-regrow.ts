import { channelScores } from './channels';

export interface ChannelLayerSignals {
  /** Kernel [kh, kw, in, out]. */
  shape: readonly number[];
  /** Kernel values (flat, tfjs layout); pruned channels hold zeros. */
  weight: ArrayLike<number>;
  /** SGD momentum of the kernel (flat); zeros when the optimizer has none. */
  momentum: ArrayLike<number>;
  /** Which input channels are active before the round. */
  active: readonly boolean[];
}

/**
 * One FLOATS-c prune/regrow round over whole input channels (pure; exported for tests). Like sparse momentum, it
 * compares weight norms only with weight norms and momentum only with momentum:
 *  1. prune: in each layer, the ⌈rate·k_l⌉ of its k_l active channels with the smallest ‖W[:, :, c, :]‖²_F go
 *     off (ties: lower index), but the layer keeps at least one;
 *  2. regrow: every inactive channel (those just pruned included) is scored ‖v[:, :, c, :]‖²_F / (mean ‖v‖²_F
 *     over the layer's channels still active), v the SGD momentum, so layers whose gradients differ in scale
 *     compete fairly; in decreasing score (ties: layer order, channel index) each comes on whenever its cost
 *     kh·kw·out still fits in what the budget has left. A channel pruned and regrown in the same round keeps its
 *     weights; one that was off restarts from zero.
 * Returns the new active channels per layer.
 */
export function channelPruneRegrow(layers: readonly ChannelLayerSignals[], rate: number, budget: number): boolean[][] {
  const keep = layers.map((l) => {
    const norms = channelScores(l.weight, l.shape);
    const on = [...l.active];
    const active = on.flatMap((a, c) => (a ? [c] : []));
    const k = Math.min(Math.ceil(rate * active.length), Math.max(active.length - 1, 0));
    active.sort((a, b) => norms[a] - norms[b] || a - b);
    for (let j = 0; j < k; j++) on[active[j]] = false;
    return on;
  });
  const cost = layers.map((l) => l.shape[0] * l.shape[1] * l.shape[3]);
  const left = budget - keep.reduce((a, on, li) => a + on.filter(Boolean).length * cost[li], 0);
  const v = layers.map((l) => channelScores(l.momentum, l.shape));
  const mean = keep.map((on, li) => {
    const kept = on.flatMap((a, c) => (a ? [v[li][c]] : []));
    return kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : 0;
  });
  return fillByScore(keep, (li, c) => (mean[li] > 0 ? v[li][c] / mean[li] : 0), cost, left);
}

/**
 * Turns on every channel that is off in `keep`, in decreasing `score` (ties: layer order, then channel index),
 * whenever its layer's cost still fits in `left`, what the budget has left. Returns `keep`.
 */
export function fillByScore(keep: boolean[][], score: (li: number, c: number) => number, cost: readonly number[], left: number): boolean[][] {
  const candidates: Array<[number, number, number]> = [];
  keep.forEach((on, li) => on.forEach((a, c) => {
    if (!a) candidates.push([score(li, c), li, c]);
  }));
  candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  for (const [, li, c] of candidates) {
    if (cost[li] > left) continue;
    keep[li][c] = true;
    left -= cost[li];
  }
  return keep;
}
