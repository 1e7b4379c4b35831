import { Rng, type LayerInfo } from '@floatjs/engine';
import { kernelOf, maskPlugin, momentumOf, type MaskScheduleOptions } from './mask-plugin';
import { allocate, budgetOf, countOnes, sizeOf, type LayerMask, type PruningPlugin } from './masks';

export interface SparseMomentumOptions extends MaskScheduleOptions {
  /** Seed of the initial random masks. Default 1. */
  seed?: number;
}

/** A uniform random mask with exactly ⌊d·n⌋ ones (seeded per layer name: independent of layer order). */
export function randomMask(name: string, shape: number[], density: number, seed: number): LayerMask {
  const n = sizeOf(shape);
  const keep = budgetOf(density, n);
  const rng = Rng.derive(seed, `mask:${name}`);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const bits = new Uint8Array(n);
  for (let i = 0; i < keep; i++) {
    const j = i + Math.floor(rng.nextFloat() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
    bits[idx[i]] = 1;
  }
  return { name, shape: [...shape], bits, nnz: keep };
}

export interface LayerSignals {
  mask: LayerMask;
  /** Kernel values (flat). */
  weight: ArrayLike<number>;
  /** SGD momentum buffer of the kernel (flat); zeros when the optimizer has none. */
  momentum: ArrayLike<number>;
}

export interface PruneRegrowResult {
  masks: LayerMask[];
  removed: number[];
  regrown: number[];
}

/**
 * One sparse-momentum round over all masked layers (pure; exported for tests):
 *  1. statistic s_l = mean |momentum| over the layer's active weights (0 if none);
 *  2. prune: remove ⌈rate·nnz_l⌉ active weights of smallest |W| (ties: lower index);
 *  3. regrow G = budget − Σ nnz after pruning weights, split over layers ∝ s_l with each layer's share capped at
 *     its zero count (`allocate`: water-filling, overflow re-split over the other layers);
 *  4. in each layer set the mask at the g_l zero positions (including the ones just pruned) of largest
 *     |momentum| (ties: lower index).
 */
export function pruneRegrow(layers: LayerSignals[], rate: number, budget: number): PruneRegrowResult {
  const pruned: Uint8Array[] = [];
  const removed: number[] = [];
  const stats: number[] = [];
  let nnzAfter = 0;
  for (const { mask, weight, momentum } of layers) {
    const bits = Uint8Array.from(mask.bits);
    const active: number[] = [];
    for (let i = 0; i < bits.length; i++) if (bits[i]) active.push(i);
    stats.push(active.length ? active.reduce((s, i) => s + Math.abs(momentum[i]), 0) / active.length : 0);
    const k = Math.min(Math.ceil(rate * active.length), active.length);
    active.sort((a, b) => Math.abs(weight[a]) - Math.abs(weight[b]) || a - b);
    for (let j = 0; j < k; j++) bits[active[j]] = 0;
    removed.push(k);
    pruned.push(bits);
    nnzAfter += active.length - k;
  }
  const caps = pruned.map((b) => b.length - countOnes(b));
  const grow = allocate(Math.max(budget - nnzAfter, 0), stats, caps);
  const masks = layers.map(({ mask, momentum }, l) => {
    const bits = pruned[l];
    const zeros: number[] = [];
    for (let i = 0; i < bits.length; i++) if (!bits[i]) zeros.push(i);
    zeros.sort((a, b) => Math.abs(momentum[b]) - Math.abs(momentum[a]) || a - b);
    for (let j = 0; j < grow[l]; j++) bits[zeros[j]] = 1;
    return { name: mask.name, shape: mask.shape, bits, nnz: countOnes(bits) };
  });
  return { masks, removed, regrown: grow };
}

/**
 * Sparse momentum (Dettmers & Zettlemoyer; FLOATS-i): sparse-from-scratch training at a fixed global density.
 * See the package README for the exact rules.
 */
export function sparseMomentum(options: SparseMomentumOptions): PruningPlugin {
  const seed = options.seed ?? 1;
  return maskPlugin('sparseMomentum', 'sparse-momentum', options, (store, include) => {
    const ensure = (layer: Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>) => {
      if (store.masks.has(layer.name) || !include(layer)) return;
      store.set(randomMask(layer.name, layer.shape, options.density, seed));
    };
    return {
      unit: 'weights',
      options: { seed },
      saveRate: true,
      onMissing: ensure,
      ensure: (ctx) => ctx.model.layers.forEach(ensure),
      update(ctx, rate) {
        const layers = [...store.masks.values()].map((mask) => ({ mask, weight: kernelOf(ctx, mask.name), momentum: momentumOf(ctx, mask.name, mask.bits.length) }));
        for (const m of pruneRegrow(layers, rate, store.budget()).masks) store.set(m);
      },
    };
  });
}
