import * as tf from '@tensorflow/tfjs-core';
import type { LayerInfo } from '../plugin';
import type { PluginHost } from '../plugin-host';

/** Owns every named variable of a model; names are the checkpoint keys. */
export class VariableRegistry {
  readonly vars = new Map<string, tf.Variable>();

  add(name: string, value: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.vars.has(name)) throw new Error(`duplicate variable name "${name}"`);
    const v = tf.variable(value, trainable);
    value.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** Creates the variables plugins ask for on this layer and returns them as `extras`. */
  addPluginVariables(host: PluginHost, layer: Omit<LayerInfo, 'extras'>): Record<string, tf.Variable> {
    const extras: Record<string, tf.Variable> = {};
    for (const spec of host.layerVariables(layer)) {
      extras[spec.name] = this.add(`${layer.name}.${spec.name}`, tf.fill(spec.shape, spec.init), spec.trainable);
    }
    return extras;
  }
}
