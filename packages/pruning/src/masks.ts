import * as tf from '@tensorflow/tfjs-core';
import type { LayerInfo, MaskUpdateContext, Plugin, WeightTransformHook } from '@floatjs/engine';
import type { MaskChurn } from './churn-types';

/** One layer's binary mask over its kernel, flat in the kernel's tfjs layout ([kh, kw, in, out] for convs). */
export interface LayerMask {
  name: string;
  shape: number[];
  /** 1 = weight kept, 0 = weight pruned. */
  bits: Uint8Array;
  /** Number of ones in `bits`. */
  nnz: number;
}

/** A plugin that owns kernel masks (both `sparseMomentum` and `channelPrune` return one). */
export interface PruningPlugin extends Plugin {
  /** Target density d of the masked layers (global budget ⌊d·Σ size⌋ nonzeros). */
  readonly density: number;
  /** The current masks by layer name (empty until the masks are initialised). */
  masks(): ReadonlyMap<string, LayerMask>;
  /** How the masks changed at the most recent epoch-end update (null before the first one). */
  lastChurn(): MaskChurn | null;
}

/** Which layers are masked by default: every conv (stem, body, shortcut); never dense/classifier or norms. */
export function defaultInclude(layer: Pick<LayerInfo, 'kind' | 'role'>): boolean {
  return layer.kind === 'conv2d' && layer.role !== 'classifier';
}

export const kernelName = (layer: string): string => `${layer}.kernel`;
export const countOnes = (bits: Uint8Array): number => bits.reduce((n, b) => n + b, 0);
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
/** ⌊d·n⌋ with a tolerance so that e.g. 0.3·1000 is 300, not 299. */
export const budgetOf = (density: number, size: number): number => Math.floor(density * size + 1e-9);

/**
 * The value of `W·M` with the gradient passed straight through to `W` (∂/∂W = I): pruned weights keep
 * receiving their gradient, so their momentum keeps accumulating (sparse momentum's regrowth signal).
 */
const maskStraightThrough = tf.customGrad(((x: tf.Tensor, m: tf.Tensor) => ({
  value: tf.mul(x, m),
  gradFunc: (dy: tf.Tensor) => [dy, tf.zerosLike(m)],
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * The state every mask plugin shares: masks, cached mask tensors, the weight transform that multiplies a
 * kernel by its mask, kernel masking after optimizer steps and the global budget check.
 */
export class MaskStore {
  readonly masks = new Map<string, LayerMask>();
  private readonly tensors = new Map<string, tf.Tensor>();
  /** Σ size of every masked layer seen so far. */
  private totalSize = 0;

  constructor(readonly plugin: string, readonly density: number) {}

  set(mask: LayerMask): void {
    if (!this.masks.has(mask.name)) this.totalSize += mask.bits.length;
    this.masks.set(mask.name, mask);
    this.tensors.get(mask.name)?.dispose();
    this.tensors.delete(mask.name);
  }

  /** The global budget ⌊d·Σ size⌋ over the masked layers. */
  budget(): number {
    return budgetOf(this.density, this.totalSize);
  }

  /** Throws when Σ nnz > ⌊d·Σ size⌋. */
  assertBudget(where: string): void {
    const nnz = [...this.masks.values()].reduce((n, m) => n + m.nnz, 0);
    const budget = this.budget();
    if (nnz > budget) throw new Error(`${this.plugin}: ${where}: ${nnz} nonzeros exceed the budget ⌊${this.density}·${this.totalSize}⌋ = ${budget}`);
  }

  private tensor(name: string): tf.Tensor | undefined {
    const m = this.masks.get(name);
    // A forward may run inside tf.tidy: keep the cached tensor alive until the mask changes.
    if (m && !this.tensors.has(name)) this.tensors.set(name, tf.keep(tf.tensor(Float32Array.from(m.bits), m.shape)));
    return this.tensors.get(name);
  }

  /** Multiplies every masked kernel by its mask (W ← W ⊙ M); gradients and momentum are left as they are. */
  applyToKernels(ctx: MaskUpdateContext): void {
    for (const m of this.masks.values()) {
      const v = ctx.model.variables.get(kernelName(m.name));
      if (!v) throw new Error(`${this.plugin}: model has no variable ${kernelName(m.name)}`);
      const t = this.tensor(m.name)!;
      // + 0 turns the −0 of negative pruned weights into +0, so saved kernels hold plain zeros.
      tf.tidy(() => v.assign(tf.add(tf.mul(v, t), 0)));
    }
  }

  /**
   * The weight-transform hook: `weight ⊙ mask` for masked layers, straight-through gradient.
   * `onMissing` may create a mask for a layer seen for the first time (or leave it dense).
   */
  transform(order: number, onMissing: (layer: LayerInfo) => void = () => {}): WeightTransformHook {
    return {
      order,
      apply: (weight, layer) => {
        if (!this.masks.has(layer.name)) onMissing(layer);
        const t = this.tensor(layer.name);
        return t ? maskStraightThrough(weight, t) : weight;
      },
    };
  }

  getState(extra: Record<string, unknown> = {}): MaskState {
    const masks: MaskState['masks'] = {};
    for (const m of this.masks.values()) masks[m.name] = { shape: m.shape, bits: encodeBits(m.bits) };
    return { version: 1, plugin: this.plugin, density: this.density, masks, ...extra };
  }

  setState(state: unknown): MaskState {
    const s = state as MaskState;
    if (!s || s.version !== 1 || typeof s.masks !== 'object') throw new Error(`${this.plugin}: unrecognised mask state`);
    for (const [name, { shape, bits }] of Object.entries(s.masks)) {
      const decoded = decodeBits(bits, sizeOf(shape));
      this.set({ name, shape: [...shape], bits: decoded, nnz: countOnes(decoded) });
    }
    return s;
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}

export interface MaskState {
  version: 1;
  plugin: string;
  density: number;
  /** Bit-packed masks (LSB first within each byte), base64. */
  masks: Record<string, { shape: number[]; bits: string }>;
  [key: string]: unknown;
}

/** Packs a 0/1 array into bits (LSB first) and base64-encodes it. */
export function encodeBits(bits: Uint8Array): string {
  const packed = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) packed[i >> 3] |= 1 << (i & 7);
  let s = '';
  for (let i = 0; i < packed.length; i += 0x8000) s += String.fromCharCode(...packed.subarray(i, i + 0x8000));
  return btoa(s);
}

export function decodeBits(text: string, length: number): Uint8Array {
  const s = atob(text);
  if (s.length !== Math.ceil(length / 8)) throw new Error(`mask state: expected ${Math.ceil(length / 8)} bytes, got ${s.length}`);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (s.charCodeAt(i >> 3) >> (i & 7)) & 1;
  return out;
}

/**
 * Splits `total` integer units over slots in proportion to `weights`, never giving slot i more than `caps[i]`.
 * Water-filling: slots whose proportional share reaches their cap get the cap and leave; the rest is
 * re-split among the others. The final split floors each share and gives the leftover units one each by
 * largest fractional part (ties: lower index). When all open weights are 0, shares follow the caps.
 * Returns integers summing to min(total, Σ caps).
 */
export function allocate(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const n = weights.length;
  const alloc = new Array<number>(n).fill(0);
  let open = [...Array(n).keys()].filter((i) => caps[i] > 0);
  let rem = Math.min(total, caps.reduce((a, b) => a + b, 0));
  while (rem > 0 && open.length > 0) {
    const wsum = open.reduce((a, i) => a + Math.max(weights[i], 0), 0);
    const w = (i: number) => (wsum > 0 ? Math.max(weights[i], 0) : caps[i]);
    const wTot = wsum > 0 ? wsum : open.reduce((a, i) => a + caps[i], 0);
    const ideal = new Map(open.map((i) => [i, (rem * w(i)) / wTot]));
    const full = open.filter((i) => ideal.get(i)! >= caps[i]);
    if (full.length > 0) {
      for (const i of full) {
        alloc[i] = caps[i];
        rem -= caps[i];
      }
      open = open.filter((i) => !full.includes(i));
      continue;
    }
    for (const i of open) alloc[i] = Math.floor(ideal.get(i)!);
    const given = open.reduce((a, i) => a + alloc[i], 0);
    const frac = (i: number) => ideal.get(i)! - alloc[i];
    const order = [...open].sort((a, b) => frac(b) - frac(a) || a - b);
    for (let k = 0; k < rem - given; k++) alloc[order[k % order.length]]++;
    rem = 0;
  }
  return alloc;
}
