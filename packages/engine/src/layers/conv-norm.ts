import * as tf from '@tensorflow/tfjs-core';
import { fusedConv, fusedConvAvailable, type FusedActivation } from '../ops/fused-conv';
import type { ForwardContext } from '../plugin';
import type { PluginHost } from '../plugin-host';
import type { BatchNorm } from './batch-norm';
import type { Conv2d } from './conv2d';
import { relu } from '../ops/relu';

/**
 * conv → batch norm → activation. In inference forwards (every attack step) the norm is folded into the
 * conv: kernel·scale with bias shift, activation fused, one backend kernel. The kernel is the one the
 * weight hooks return for this forward (FLOAT's noise, masks, width), and the norm set the hooks select,
 * so the folded forward computes the same function as the unfolded one, up to float rounding.
 * Training forwards, backends without the fused kernel and plugins that wrap the normalized features
 * (FiLM sits between the norm and the activation) take the unfolded path.
 */
export class ConvNorm {
  constructor(
    readonly conv: Conv2d,
    readonly norm: BatchNorm,
    readonly activation: FusedActivation,
  ) {}

  apply(x: tf.Tensor4D, host: PluginHost, ctx: ForwardContext): tf.Tensor4D {
    if (ctx.cond.training || host.wrapsNorm() || !fusedConvAvailable()) {
      const y = this.norm.apply(this.conv.apply(x, host, ctx), host, ctx);
      return this.activation === 'relu' ? relu(y) : y;
    }
    return tf.tidy(() => {
      const w = this.conv.weight(host, ctx);
      const { scale, shift } = this.norm.inferenceAffine(w.shape[3], host, ctx);
      return fusedConv(x, tf.mul(w, scale), shift, this.conv.stride, this.conv.pad, this.activation);
    });
  }
}
