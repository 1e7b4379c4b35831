import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext, LayerInfo } from '../plugin';
import type { PluginHost } from '../plugin-host';
import type { Rng } from '@floatjs/random';
import { uniformFanIn } from './init';
import type { VariableRegistry } from './registry';

export class Dense {
  readonly info: LayerInfo;
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(name: string, inFeatures: number, outFeatures: number, role: LayerInfo['role'], host: PluginHost, registry: VariableRegistry, rng: Rng) {
    const shape = [inFeatures, outFeatures];
    this.kernel = registry.add(`${name}.kernel`, uniformFanIn(shape, inFeatures, rng), true);
    this.bias = registry.add(`${name}.bias`, uniformFanIn([outFeatures], inFeatures, rng), true);
    const base = { name, kind: 'dense' as const, role, shape };
    this.info = { ...base, extras: registry.addPluginVariables(host, base) };
  }

  apply(x: tf.Tensor2D, host: PluginHost, ctx: ForwardContext): tf.Tensor2D {
    const w = host.transformWeight(this.kernel, this.info, ctx) as tf.Tensor2D;
    // A weight transform may narrow the outputs (a slimmable width): the bias follows the first outputs.
    const out = w.shape[1];
    const bias = out === this.bias.shape[0] ? this.bias : tf.slice(this.bias as tf.Tensor1D, 0, out);
    return tf.add(tf.matMul(x, w), bias);
  }
}
