import { Rng, WEIGHT_PHASE, type LayerInfo, type MaskUpdateContext } from '@floatjs/engine';
import { maskChurn, type MaskChurn } from './churn';
import { allocate, budgetOf, checkDensity, countOnes, defaultInclude, kernelName, MaskStore, sizeOf, type LayerMask, type PruningPlugin } from './masks';

export interface SparseMomentumOptions {
  /** Fraction d of the masked layers' weights kept; the global budget is ⌊d·Σ size⌋. */
  density: number;
  /** Prune rate at step 0 (fraction of each layer's active weights removed at an epoch end). Default 0.5. */
  pruneRate?: number;
  /** How the prune rate decays per step from `pruneRate` to `pruneFloor`. Default 'linear' (FLOAT's code). */
  decay?: 'linear' | 'cosine';
  /** Prune rate at the last step. Default 0.005 (SL's eta_min). */
  pruneFloor?: number;
  /** Mask the FLOAT noise too (mask runs after the noise). Default true; false keeps the noise dense (paper code). */
  maskNoise?: boolean;
  /** Which layers are masked. Default: every conv (stem, body, shortcut). */
  include?: (layer: Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>) => boolean;
  /** Seed of the initial random masks. Default 1. */
  seed?: number;
  /** Total optimizer steps of the run (for the decay). Default: `epochs` × steps per epoch, else no decay. */
  totalSteps?: number;
  /** Epochs of the run; with the steps per epoch measured at the first epoch end this gives `totalSteps`. */
  epochs?: number;
}

/** Mask weight-transform orders (the engine's phases): after the noise to mask it, before it to leave it dense. */
export const MASK_ORDER_AFTER_NOISE = WEIGHT_PHASE.afterNoise;
export const MASK_ORDER_BEFORE_NOISE = WEIGHT_PHASE.beforeNoise;

/** Prune rate at step t of T: linear r0 → floor, or cosine annealing (CosineAnnealingLR with eta_min = floor). */
export function pruneRateAt(t: number, total: number | undefined, r0: number, floor: number, decay: 'linear' | 'cosine'): number {
  if (!total || total <= 0) return r0;
  const p = Math.min(Math.max(t / total, 0), 1);
  const f = decay === 'linear' ? 1 - p : (1 + Math.cos(Math.PI * p)) / 2;
  return floor + (r0 - floor) * f;
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
    const j = i + Math.floor(rng.next() * (n - i));
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
    let sum = 0;
    const active: number[] = [];
    for (let i = 0; i < bits.length; i++) {
      if (!bits[i]) continue;
      active.push(i);
      sum += Math.abs(momentum[i]);
    }
    stats.push(active.length ? sum / active.length : 0);
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
  const { density } = options;
  checkDensity('sparseMomentum', density);
  const pruneRate = options.pruneRate ?? 0.5;
  const pruneFloor = options.pruneFloor ?? 0.005;
  const decay = options.decay ?? 'linear';
  const maskNoise = options.maskNoise ?? true;
  const seed = options.seed ?? 1;
  const include = options.include ?? defaultInclude;
  if (!(pruneRate >= 0 && pruneRate <= 1)) throw new Error(`sparseMomentum: pruneRate must be in [0, 1], got ${pruneRate}`);
  if (decay !== 'linear' && decay !== 'cosine') throw new Error(`sparseMomentum: decay must be 'linear' or 'cosine', got ${String(decay)}`);
  const store = new MaskStore('sparse-momentum', density);
  let stepsPerEpoch: number | null = null;
  let lastRate: number | null = null;
  let churn: MaskChurn | null = null;

  const ensure = (layer: Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>) => {
    if (store.masks.has(layer.name) || !include(layer)) return;
    store.set(randomMask(layer.name, layer.shape, density, seed));
  };
  const ensureAll = (ctx: MaskUpdateContext) => {
    for (const layer of ctx.model.layers) ensure(layer);
  };
  const totalSteps = () => options.totalSteps ?? (options.epochs && stepsPerEpoch ? options.epochs * stepsPerEpoch : undefined);

  return {
    name: 'sparse-momentum',
    options: {
      density,
      pruneRate,
      decay,
      pruneFloor,
      maskNoise,
      seed,
      ...(options.totalSteps !== undefined ? { totalSteps: options.totalSteps } : {}),
      ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    },
    density,
    masks: () => store.masks,
    lastChurn: () => churn,
    weightTransform: store.transform(maskNoise ? MASK_ORDER_AFTER_NOISE : MASK_ORDER_BEFORE_NOISE, ensure),
    maskUpdate: {
      afterStep(ctx) {
        ensureAll(ctx);
        store.applyToKernels(ctx);
        store.assertBudget(`after step ${ctx.step}`);
      },
      epochEnd(ctx) {
        ensureAll(ctx);
        if (stepsPerEpoch === null && ctx.step > 0) stepsPerEpoch = ctx.step / (ctx.epoch + 1);
        const rate = pruneRateAt(ctx.step, totalSteps(), pruneRate, pruneFloor, decay);
        lastRate = rate;
        const layers = [...store.masks.values()].map((mask) => {
          const w = ctx.model.variables.get(kernelName(mask.name))!;
          const m = ctx.optimizer.momentum.get(kernelName(mask.name));
          return {
            mask,
            weight: w.dataSync() as Float32Array,
            momentum: m ? (m.dataSync() as Float32Array) : new Float32Array(mask.bits.length),
          };
        });
        const result = pruneRegrow(layers, rate, store.budget());
        const before = new Map(store.masks);
        for (const m of result.masks) store.set(m);
        churn = maskChurn(before, store.masks, { epoch: ctx.epoch, step: ctx.step, unit: 'weights', rate });
        store.applyToKernels(ctx);
        store.assertBudget(`after the epoch-${ctx.epoch + 1} prune/regrow`);
      },
    },
    getState: () => store.getState({ stepsPerEpoch, lastRate }),
    dispose: () => store.dispose(),
    setState(state) {
      const s = store.setState(state);
      stepsPerEpoch = typeof s.stepsPerEpoch === 'number' ? s.stepsPerEpoch : null;
      lastRate = typeof s.lastRate === 'number' ? s.lastRate : null;
    },
  };
}

