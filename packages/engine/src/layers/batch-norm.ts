import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, LayerInfo } from '../plugin';
import type { PluginHost } from '../plugin-host';
import type { VariableRegistry } from './registry';
import { batchNormTrain } from '../kernels/batch-norm-train';
import { batchNormInfer } from '../kernels/batch-norm-infer';

/** Backends whose tensors live in JS-readable memory, where the fused JS batch norm is fastest. */
function hostMemoryBackend(): boolean {
  const name = tf.getBackend();
  return name === 'wasm' || name === 'cpu';
}

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
    const key = host.normKey(this.info, ctx.cond);
    const p = this.sets.get(key);
    if (!p) throw new Error(`norm layer ${this.info.name} has no parameter set "${key}"`);
    if (ctx.cond.training && x.shape[0] === 0) {
      throw new Error(`norm layer ${this.info.name}: training forward on an empty batch would put NaN into the running statistics`);
    }
    let y: tf.Tensor4D;
    if (ctx.cond.training && hostMemoryBackend()) {
      const r = batchNormTrain(x, p.gamma as tf.Tensor1D, p.beta as tf.Tensor1D, BN_EPSILON);
      y = r.y;
      tf.tidy(() => updateRunningStats(p, tf.tensor1d(r.mean), tf.tensor1d(r.variance), x.size / x.shape[3]));
    } else if (ctx.cond.training) {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      y = tf.batchNorm(x, mean, variance, p.beta, p.gamma, BN_EPSILON) as tf.Tensor4D;
      updateRunningStats(p, mean, variance, x.size / x.shape[3]);
    } else if (hostMemoryBackend()) {
      y = batchNormInfer(x, p.movingMean, p.movingVariance, p.gamma, p.beta, BN_EPSILON);
    } else {
      y = tf.batchNorm(x, p.movingMean, p.movingVariance, p.beta, p.gamma, BN_EPSILON) as tf.Tensor4D;
    }
    return host.wrapNorm(y, this.info, ctx);
  }
}

function updateRunningStats(p: NormParams, mean: tf.Tensor, variance: tf.Tensor, n: number): void {
  // PyTorch keeps the unbiased variance in the running estimate.
  const unbias = n > 1 ? n / (n - 1) : 1;
  const newMean = tf.tidy(() => tf.add(tf.mul(p.movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
  const newVar = tf.tidy(() => tf.add(tf.mul(p.movingVariance, 1 - BN_MOMENTUM), tf.mul(variance, BN_MOMENTUM * unbias)));
  p.movingMean.assign(newMean);
  p.movingVariance.assign(newVar);
  newMean.dispose();
  newVar.dispose();
}
