import * as tf from '@tensorflow/tfjs-core';
import { condition, type Condition } from './condition';
import { BatchNorm } from './layers/batch-norm';
import { Conv2d, type Conv2dOptions } from './layers/conv2d';
import { ConvNorm, type Residual } from './layers/conv-norm';
import type { FusedActivation } from './ops/fused-conv';
import { Dense } from './layers/dense';
import { Dropout } from './layers/dropout';
import type { ConvInit } from './layers/init';
import { VariableRegistry } from './layers/registry';
import type { ForwardContext, LayerInfo, LogitsFn } from './plugin';
import { PluginHost } from './plugin-host';
import { Rng } from '@floatjs/random';

export interface InputSpec {
  height: number;
  width: number;
  channels: number;
  numClasses: number;
}

export type Forward = (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor2D;

export interface ModelOptions {
  /** How conv kernels start; default 'pytorch'. Recorded in recipes as `init`. */
  init?: ConvInit;
}

/** What an architecture definition uses to declare its layers; each returns an apply function. */
export class ModelBuilder {
  readonly registry = new VariableRegistry();
  readonly layers: LayerInfo[] = [];

  constructor(
    readonly host: PluginHost,
    private readonly rng: Rng,
    /** The conv kernel init every `conv`/`convNorm` uses unless its options name one. */
    readonly convInit: ConvInit = 'pytorch',
  ) {}

  conv(name: string, opts: Conv2dOptions): (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D {
    const layer = this.addConv(name, opts);
    return (x, ctx) => layer.apply(x, this.host, ctx);
  }

  norm(name: string, channels: number): (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor4D {
    const layer = this.addNorm(name, channels);
    return (x, ctx) => layer.apply(x, this.host, ctx);
  }

  /**
   * A conv followed by its batch norm (`convName`, then `normName`, as two layers) and an activation,
   * folded into one kernel in inference forwards (see `ConvNorm`). Called with a `residual` (the output's
   * shape, or a function making it, called after this conv's weight is drawn), it computes
   * act(norm(conv(x)) + residual), a residual block's end, and fuses the add as well.
   */
  convNorm(
    convName: string,
    opts: Conv2dOptions,
    normName: string,
    activation: FusedActivation,
  ): (x: tf.Tensor4D, ctx: ForwardContext, residual?: Residual) => tf.Tensor4D {
    const layer = new ConvNorm(this.addConv(convName, opts), this.addNorm(normName, opts.filters), activation);
    return (x, ctx, residual) => layer.apply(x, this.host, ctx, residual);
  }

  private addConv(name: string, opts: Conv2dOptions): Conv2d {
    const layer = new Conv2d(name, { init: this.convInit, ...opts }, this.host, this.registry, this.rng);
    this.layers.push(layer.info);
    return layer;
  }

  private addNorm(name: string, channels: number): BatchNorm {
    const layer = new BatchNorm(name, channels, this.host, this.registry);
    this.layers.push(layer.info);
    return layer;
  }

  dense(name: string, inFeatures: number, outFeatures: number, role: LayerInfo['role'] = 'classifier') {
    const layer = new Dense(name, inFeatures, outFeatures, role, this.host, this.registry, this.rng);
    this.layers.push(layer.info);
    return (x: tf.Tensor2D, ctx: ForwardContext) => layer.apply(x, this.host, ctx);
  }

  /** Inverted dropout, active only in training forwards; it has no variables and asks no hooks. */
  dropout(name: string, rate: number): <T extends tf.Tensor>(x: T, ctx: ForwardContext) => T {
    const layer = new Dropout(name, rate);
    return (x, ctx) => layer.apply(x, ctx);
  }
}

export interface ArchitectureDef {
  name: string;
  description: string;
  build(b: ModelBuilder, input: InputSpec): Forward;
}

/**
 * A model: named variables, the plugin host its layers ask, and a forward that takes a condition.
 * `forwardRng` supplies in-forward randomness (FLOAT's η); its state is saved with checkpoints.
 */
export class Model {
  readonly variables: ReadonlyMap<string, tf.Variable>;
  readonly layers: readonly LayerInfo[];
  readonly forwardRng: Rng;
  readonly init: ConvInit;
  private readonly fwd: Forward;

  constructor(
    readonly architecture: string,
    readonly input: InputSpec,
    readonly host: PluginHost,
    arch: ArchitectureDef,
    seed: number,
    options: ModelOptions = {},
  ) {
    this.init = options.init ?? 'pytorch';
    const b = new ModelBuilder(host, Rng.derive(seed, 'init'), this.init);
    b.registry.addModelVariables(host);
    this.fwd = arch.build(b, input);
    this.variables = b.registry.vars;
    this.layers = b.layers;
    this.forwardRng = Rng.derive(seed, 'forward');
  }

  forward(x: tf.Tensor4D, cond: Condition, rng: Rng = this.forwardRng): tf.Tensor2D {
    return this.fwd(x, { cond, rng });
  }

  /** Logits in inference mode (running BN statistics, no statistic updates) for one condition. */
  logitsFn(cond: Partial<Condition>, rng: Rng = this.forwardRng): LogitsFn {
    const c = condition({ ...cond, training: false });
    return (x) => this.fwd(x, { cond: c, rng });
  }

  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()].filter((v) => v.trainable);
  }

  /** Number of scalars, total and trainable, optionally filtered by name. */
  paramCount(filter: (name: string) => boolean = () => true): { total: number; trainable: number } {
    let total = 0;
    let trainable = 0;
    for (const [name, v] of this.variables) {
      if (!filter(name)) continue;
      total += v.size;
      if (v.trainable) trainable += v.size;
    }
    return { total, trainable };
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.host.dispose();
  }
}
