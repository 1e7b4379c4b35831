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

  /** Creates each plugin's model-level variables as `<plugin>.<name>` and hands them to the plugin. */
  addModelVariables(host: PluginHost): void {
    for (const p of host.plugins) {
      const specs = p.modelVariables?.() ?? [];
      const vars: Record<string, tf.Variable> = {};
      for (const spec of specs) {
        const value = typeof spec.init === 'number' ? tf.fill(spec.shape, spec.init) : tf.tensor(spec.init, spec.shape);
        vars[spec.name] = this.add(`${p.name}.${spec.name}`, value, spec.trainable);
      }
      if (specs.length) p.bindModelVariables?.(vars);
    }
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
