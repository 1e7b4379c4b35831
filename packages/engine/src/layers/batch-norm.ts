import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, LayerInfo } from '../plugin';
import type { PluginHost } from '../plugin-host';
import type { VariableRegistry } from './registry';
import { batchNormTrain } from '../ops/batch-norm-train';
import { batchNormInfer } from '../ops/batch-norm-infer';
import { foldNorm } from '../ops/fold-norm';

export interface NormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

/** PyTorch's defaults, which the reference code relies on (tfjs-layers uses 0.99 / 1e-3). */
export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

/**
 * Batch norm with one independent parameter set (γ, β, running mean/var) per key that the
 * normalization hooks declare, e.g. `clean` and `adv` for dual BN.
 * Running statistics change only in a training forward, never while an attack runs.
 * An input with fewer channels than the layer (a slimmable sub-network) uses the first c channels of the
 * selected set and updates only their running statistics.
 */
export class BatchNorm {
  readonly info: LayerInfo;
  readonly sets = new Map<string, NormParams>();

  constructor(name: string, channels: number, host: PluginHost, registry: VariableRegistry) {
    for (const key of host.normKeys()) {
      const p = key ? `${name}.${key}` : name;
      this.sets.set(key, {
        gamma: registry.add(`${p}.gamma`, tf.ones([channels]), true),
        beta: registry.add(`${p}.beta`, tf.zeros([channels]), true),
        movingMean: registry.add(`${p}.movingMean`, tf.zeros([channels]), false),
        movingVariance: registry.add(`${p}.movingVariance`, tf.ones([channels]), false),
      });
    }
    const base = { name, kind: 'norm' as const, role: 'body' as const, shape: [channels] };
    this.info = { ...base, extras: registry.addPluginVariables(host, base) };
  }

  apply(x: tf.Tensor4D, host: PluginHost, ctx: ForwardContext): tf.Tensor4D {
    if (ctx.cond.training && x.shape[0] === 0) {
      throw new Error(`norm layer ${this.info.name}: training forward on an empty batch would put NaN into the running statistics`);
    }
    const c = x.shape[3];
    const { set, p } = this.selected(c, host, ctx);
    let y: tf.Tensor4D;
    if (ctx.cond.training) {
      const r = batchNormTrain(x, p.gamma, p.beta, BN_EPSILON);
      y = r.y;
      updateRunningStats(set, r.mean, r.variance, x.size / c);
      tf.dispose([r.mean, r.variance]);
    } else {
      y = batchNormInfer(x, p.movingMean, p.movingVariance, p.gamma, p.beta, BN_EPSILON);
    }
    return host.wrapNorm(y, this.info, ctx);
  }

  /**
   * Inference mode folded into the preceding conv's kernel (its last axis is this layer's input channels):
   * the kernel times the per-channel scale, and the shift (see `foldNorm`). Only valid when no plugin wraps
   * normalized features (`PluginHost.wrapsNorm`).
   */
  fold(filter: tf.Tensor4D, host: PluginHost, ctx: ForwardContext): { filter: tf.Tensor4D; shift: tf.Tensor1D } {
    if (ctx.cond.training) throw new Error(`norm layer ${this.info.name}: a training forward cannot be folded`);
    const { p } = this.selected(filter.shape[3], host, ctx);
    return foldNorm(filter, p.gamma, p.beta, p.movingMean, p.movingVariance, BN_EPSILON);
  }

  /** The parameter set the hooks select for this forward, narrowed to the input's c channels. */
  private selected(c: number, host: PluginHost, ctx: ForwardContext): { set: NormParams; p: NormValues } {
    const key = host.normKey(this.info, ctx.cond);
    const set = this.sets.get(key);
    if (!set) throw new Error(`norm layer ${this.info.name} has no parameter set "${key}"`);
    const full = this.info.shape[0];
    if (c > full) throw new Error(`norm layer ${this.info.name}: input has ${c} channels, the layer holds ${full}`);
    // A narrower input (a slimmable width) uses the first c channels of the set; slices keep the gradient path.
    return { set, p: c === full ? (set as unknown as NormValues) : firstChannels(set, c) };
  }
}

type NormValues = { [K in keyof NormParams]: tf.Tensor1D };

/** The first c channels of a parameter set (the caller's tidy scope frees the slices). */
function firstChannels(set: NormParams, c: number): NormValues {
  const head = (v: tf.Variable) => tf.slice(v as tf.Tensor1D, 0, c);
  return { gamma: head(set.gamma), beta: head(set.beta), movingMean: head(set.movingMean), movingVariance: head(set.movingVariance) };
}

/** Updates the running statistics of the first `mean.size` channels of the set; the others keep their values. */
function updateRunningStats(p: NormParams, mean: tf.Tensor, variance: tf.Tensor, n: number): void {
  // PyTorch keeps the unbiased variance in the running estimate.
  const unbias = n > 1 ? n / (n - 1) : 1;
  const c = mean.size;
  const blend = (running: tf.Variable, batch: tf.Tensor, scale: number) =>
    tf.tidy(() => {
      const full = running.shape[0];
      const head = c === full ? running : tf.slice(running as tf.Tensor1D, 0, c);
      const next = tf.add(tf.mul(head, 1 - BN_MOMENTUM), tf.mul(batch, scale));
      return c === full ? next : tf.concat([next, tf.slice(running as tf.Tensor1D, c)]);
    });
  const newMean = blend(p.movingMean, mean, BN_MOMENTUM);
  const newVar = blend(p.movingVariance, variance, BN_MOMENTUM * unbias);
  p.movingMean.assign(newMean);
  p.movingVariance.assign(newVar);
  newMean.dispose();
  newVar.dispose();
}
