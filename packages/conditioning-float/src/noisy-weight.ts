import * as tf from '@tensorflow/tfjs-core';
import { seededNormal, WEIGHT_PHASE, type LayerInfo, type Plugin } from '@floatjs/engine';

export interface FloatNoiseOptions {
  /** Initial α of every conv layer (the reference code's layerwise α). Default 0.25. */
  alphaInit?: number;
}

export const ALPHA = 'alpha';

/** Conv layers only: the classifier stays noise-free, as in the reference ResNets. */
function isNoisy(layer: Pick<LayerInfo, 'kind'>): boolean {
  return layer.kind === 'conv2d';
}

/**
 * FLOAT's noisy weight: W' = W + λn·α·η with η ~ N(0, std(W)²) drawn afresh on every forward (training,
 * every attack step, and inference), from the forward's seeded rng.
 *
 * std(W) is read as a number, so neither σ nor η has a gradient path: ∂W'/∂W = I and
 * ∂L/∂α = λn·Σ(∂L/∂W' ⊙ η). The std is the population std (tf.moments); PyTorch's `.std()` is the
 * unbiased one, a relative difference of 1/(2n) that no kernel size here makes visible.
 */
export function floatNoise(options: FloatNoiseOptions = {}): Plugin {
  const alphaInit = options.alphaInit ?? 0.25;
  if (!Number.isFinite(alphaInit)) throw new Error(`floatNoise: alphaInit must be a finite number, got ${alphaInit}`);
  return {
    name: 'float-noise',
    options: { alphaInit },
    layerVariables: (layer) => (isNoisy(layer) ? [{ name: ALPHA, shape: [], init: alphaInit, trainable: true }] : []),
    weightTransform: {
      order: WEIGHT_PHASE.noise,
      apply(weight, layer, { cond, rng }) {
        if (!isNoisy(layer) || cond.lambdaN === 0) return weight;
        const alpha = layer.extras[ALPHA];
        if (!alpha) throw new Error(`floatNoise: layer ${layer.name} has no α variable; was the model built with this plugin?`);
        const std = weightStd(weight);
        return tf.tidy(() => tf.add(weight, tf.mul(tf.mul(alpha, cond.lambdaN), seededNormal(rng, weight.shape, std))));
      },
    },
  };
}

/** Population std of all elements, as a plain number (a detached constant). */
export function weightStd(weight: tf.Tensor): number {
  const s = tf.tidy(() => tf.sqrt(tf.moments(weight).variance));
  const value = s.dataSync()[0];
  s.dispose();
  return value;
}
