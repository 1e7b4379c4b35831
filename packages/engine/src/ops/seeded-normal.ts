import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@floatjs/random';
import { hasKernel, SEEDED_NORMAL } from './kernel-names';

/** FloatSeededNormal's attributes: the generator advances by the draws, exactly as fillNormal advances it. */
export interface SeededNormalAttrs {
  shape: number[];
  std: number;
  rng: Rng;
}

/**
 * A tensor of N(0, std²) draws from `rng`: the values of `rng.fillNormal` in row-major order, whichever
 * implementation runs (a backend's FloatSeededNormal, e.g. the native fill, must give them bit for bit).
 */
export function seededNormal(rng: Rng, shape: number[], std: number): tf.Tensor {
  if (hasKernel(SEEDED_NORMAL)) {
    const attrs: SeededNormalAttrs = { shape, std, rng };
    return tf.engine().runKernel(SEEDED_NORMAL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  return tf.tensor(rng.fillNormal(new Float32Array(tf.util.sizeFromShape(shape)), std), shape);
}
