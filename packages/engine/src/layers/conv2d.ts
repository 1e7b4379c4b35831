import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, LayerInfo } from '../plugin';
import type { PluginHost } from '../plugin-host';
import type { Rng } from '@floatjs/random';
import { convKernelInit, type ConvInit } from './init';
import type { VariableRegistry } from './registry';

export interface Conv2dOptions {
  inChannels: number;
  filters: number;
  kernelSize: number;
  stride?: number;
  role?: LayerInfo['role'];
  /** Default 'pytorch' (U(±1/√fan_in)). */
  init?: ConvInit;
}

/**
 * A bias-free conv whose kernel passes through the weight-transform hook on every forward.
 * Padding is symmetric (k-1)/2 as in PyTorch, so exported kernels give the same outputs there.
 */
export class Conv2d {
  readonly info: LayerInfo;
  readonly kernel: tf.Variable;
  readonly stride: number;
  readonly pad: number;

  constructor(name: string, opts: Conv2dOptions, host: PluginHost, registry: VariableRegistry, rng: Rng) {
    const k = opts.kernelSize;
    const shape = [k, k, opts.inChannels, opts.filters];
    this.stride = opts.stride ?? 1;
    this.pad = (k - 1) / 2;
    this.kernel = registry.add(`${name}.kernel`, convKernelInit(opts.init ?? 'pytorch', shape, k * k * opts.inChannels, rng), true);
    const base = { name, kind: 'conv2d' as const, role: opts.role ?? 'body', shape };
    this.info = { ...base, extras: registry.addPluginVariables(host, base) };
  }

  apply(x: tf.Tensor4D, host: PluginHost, ctx: ForwardContext): tf.Tensor4D {
    return tf.conv2d(x, this.weight(host, ctx), this.stride, this.pad);
  }

  /** The kernel this forward uses, after every weight-transform hook (noise, masks, width). */
  weight(host: PluginHost, ctx: ForwardContext): tf.Tensor4D {
    return host.transformWeight(this.kernel, this.info, ctx) as tf.Tensor4D;
  }
}
