import { WEIGHT_PHASE, type LayerInfo, type MaskUpdateContext } from '@floatjs/engine';
import { maskChurn, type MaskChurn } from './churn';
import { defaultInclude, kernelName, MaskStore, type PruningPlugin } from './masks';

/** The options `sparseMomentum` and `channelPrune` share. */
export interface MaskScheduleOptions {
  /** Fraction d of the masked layers' weights kept; the global budget is ⌊d·Σ size⌋. */
  density: number;
  /** Prune rate at step 0 (fraction of each layer's active units, weights or input channels, removed at an epoch end). Default 0.5. */
  pruneRate?: number;
  /** How the prune rate decays per step from `pruneRate` to `pruneFloor`. Default 'linear' (FLOAT's code). */
  decay?: 'linear' | 'cosine';
  /** Prune rate at the last step. Default 0.005 (SL's eta_min). */
  pruneFloor?: number;
  /** Mask the FLOAT noise too (mask runs after the noise). Default true; false keeps the noise dense (paper code). */
  maskNoise?: boolean;
  /** Which layers are masked. Default: every conv (stem, body, shortcut). */
  include?: (layer: Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>) => boolean;
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

/** A masked layer's kernel values, flat. */
export const kernelOf = (ctx: MaskUpdateContext, layer: string) => ctx.model.variables.get(kernelName(layer))!.dataSync() as Float32Array;

/** The SGD momentum of a masked layer's kernel, flat; zeros when the optimizer has none. */
export function momentumOf(ctx: MaskUpdateContext, layer: string, size: number): Float32Array {
  const m = ctx.optimizer.momentum.get(kernelName(layer));
  return m ? (m.dataSync() as Float32Array) : new Float32Array(size);
}

const definedOnly = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** What a mask plugin adds to the shared shell: how its masks come to exist and how an epoch end changes them. */
export interface MaskRule {
  /** What `lastChurn()` counts. */
  unit: MaskChurn['unit'];
  /** Creates the masks that do not exist yet; runs before every update. */
  ensure(ctx: MaskUpdateContext): void;
  /** The epoch-end prune/regrow at `rate`: writes the new masks to the store. */
  update(ctx: MaskUpdateContext, rate: number): void;
  /** The weight transform met a layer without a mask. */
  onMissing?: (layer: LayerInfo) => void;
  /** Options of the rule itself, recorded after the shared ones. */
  options?: Record<string, unknown>;
  /** Whether the state also records the last prune rate. */
  saveRate?: boolean;
}

/**
 * The shell both mask plugins share: option defaults and checks (errors start with `fn`, the factory's name), the
 * recorded options, the mask weight transform, masking after every step with the budget check, and at every
 * epoch end the decayed prune rate, the rule's update, the churn and the budget check; state is the masks plus
 * the measured steps per epoch. `name` is the plugin's (and its state's `plugin`).
 */
export function maskPlugin(fn: string, name: string, options: MaskScheduleOptions, rule: (store: MaskStore, include: NonNullable<MaskScheduleOptions['include']>) => MaskRule): PruningPlugin {
  const { density } = options;
  if (!(density > 0 && density <= 1)) throw new Error(`${fn}: density must be in (0, 1], got ${density}`);
  const pruneRate = options.pruneRate ?? 0.5;
  const pruneFloor = options.pruneFloor ?? 0.005;
  const decay = options.decay ?? 'linear';
  const maskNoise = options.maskNoise ?? true;
  if (!(pruneRate >= 0 && pruneRate <= 1)) throw new Error(`${fn}: pruneRate must be in [0, 1], got ${pruneRate}`);
  if (decay !== 'linear' && decay !== 'cosine') throw new Error(`${fn}: decay must be 'linear' or 'cosine', got ${String(decay)}`);
  const store = new MaskStore(name, density);
  const r = rule(store, options.include ?? defaultInclude);
  let stepsPerEpoch: number | null = null;
  let lastRate: number | null = null;
  let churn: MaskChurn | null = null;
  const totalSteps = () => options.totalSteps ?? (options.epochs && stepsPerEpoch ? options.epochs * stepsPerEpoch : undefined);

  return {
    name,
    // Recorded in the recipe; totalSteps and epochs only when given.
    options: { density, pruneRate, decay, pruneFloor, maskNoise, ...r.options, ...definedOnly({ totalSteps: options.totalSteps, epochs: options.epochs }) },
    density,
    masks: () => store.masks,
    lastChurn: () => churn,
    weightTransform: store.transform(maskNoise ? MASK_ORDER_AFTER_NOISE : MASK_ORDER_BEFORE_NOISE, r.onMissing),
    maskUpdate: {
      afterStep(ctx) {
        r.ensure(ctx);
        store.applyToKernels(ctx);
        store.assertBudget(`after step ${ctx.step}`);
      },
      epochEnd(ctx) {
        r.ensure(ctx);
        if (stepsPerEpoch === null && ctx.step > 0) stepsPerEpoch = ctx.step / (ctx.epoch + 1);
        const rate = pruneRateAt(ctx.step, totalSteps(), pruneRate, pruneFloor, decay);
        lastRate = rate;
        const before = new Map(store.masks);
        r.update(ctx, rate);
        churn = maskChurn(before, store.masks, { epoch: ctx.epoch, step: ctx.step, unit: r.unit, rate });
        store.applyToKernels(ctx);
        store.assertBudget(`after the epoch-${ctx.epoch + 1} prune/regrow`);
      },
    },
    getState: () => store.getState(r.saveRate ? { stepsPerEpoch, lastRate } : { stepsPerEpoch }),
    dispose: () => store.dispose(),
    setState(state) {
      const s = store.setState(state);
      stepsPerEpoch = typeof s.stepsPerEpoch === 'number' ? s.stepsPerEpoch : null;
      lastRate = typeof s.lastRate === 'number' ? s.lastRate : null;
    },
  };
}
