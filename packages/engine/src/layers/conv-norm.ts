import * as tf from '@tensorflow/tfjs-core';
import { fusedConv, fusedConvAdd, fusedConvAvailable, type FusedActivation } from '../ops/fused-conv';
import type { ForwardContext } from '../plugin';
import type { PluginHost } from '../plugin-host';
import type { BatchNorm } from './batch-norm';
import type { Conv2d } from './conv2d';
import { relu } from '../ops/relu';

/** A tensor added before the activation, or a function that makes it (see `ConvNorm.apply`). */
export type Residual = tf.Tensor4D | (() => tf.Tensor4D);

/**
 * conv → batch norm → (+ residual) → activation. With a residual (a ResNet block's shortcut), the
 * activation applies to the sum. In inference forwards (every attack step) the norm is folded into the
 * conv: kernel·scale with bias shift, residual and activation fused, one backend kernel. The kernel is the
 * one the weight hooks return for this forward (FLOAT's noise, masks, width), and the norm set the hooks
 * select, so the folded forward computes the same function as the unfolded one, up to float rounding.
 * Training forwards, backends without the fused kernel and plugins that wrap the normalized features
 * (FiLM sits between the norm and the activation) take the unfolded path.
 */

export class ConvNorm {
  constructor(
    readonly conv: Conv2d,
    readonly norm: BatchNorm,
    readonly activation: FusedActivation,
  ) {}

  /**
   * `residual` may be a function: it is called after this layer's weight is drawn, so a shortcut conv
   * draws its noise after this conv, in the order of the unfused block (conv1, conv2, shortcut).
   */
  apply(x: tf.Tensor4D, host: PluginHost, ctx: ForwardContext, residual?: Residual): tf.Tensor4D {
    const shortcut = () => (typeof residual === 'function' ? residual() : residual!);
    if (ctx.cond.training || host.wrapsNorm() || !fusedConvAvailable()) {
      const normed = this.norm.apply(this.conv.apply(x, host, ctx), host, ctx);
      const y = residual ? (tf.add(normed, shortcut()) as tf.Tensor4D) : normed;
      return this.activation === 'relu' ? relu(y) : y;
    }
    return tf.tidy(() => {
      const { filter, shift } = this.norm.fold(this.conv.weight(host, ctx), host, ctx);
      const { stride, pad } = this.conv;
      return residual
        ? fusedConvAdd(x, filter, shift, shortcut(), stride, pad, this.activation)
        : fusedConv(x, filter, shift, stride, pad, this.activation);
    });
  }
}
