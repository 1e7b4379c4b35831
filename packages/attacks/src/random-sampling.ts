import * as tf from '@tensorflow/tfjs-core';
import { checkBatch, checkEps, checkInteger, checkSeed } from './check-options';
import { crossEntropyPerSample } from './cross-entropy';
import { exactSign } from './exact-sign';
import { meanLogits } from './predicted-classes';
import { selectRows } from './rows';
import { deriveSeed } from './seed';
import type { LogitsFn } from './types';

export type RandomSamplingOptions = {
  /** ℓ∞ radius in pixel units. */
  eps: number;
  /** Random points tried per input. Default 20. */
  samples?: number;
  /** 'uniform': x + U(−ε, ε); 'sign': x ± ε per pixel (the ball's vertices). Default 'uniform'. */
  distribution?: 'uniform' | 'sign';
  /** Logits averaged over this many calls per sample (randomized models). Default 1. */
  eot?: number;
  /** Default 0. */
  seed?: number;
};

/**
 * Random sampling in the ε-ball, no gradients: the baseline of Athalye et al.'s checklist. If it finds
 * adversarial examples that gradient attacks miss, the gradients are masked. Returns a new tensor, per
 * point the first sample that fools the model, else the highest-loss sample; all within ε and [0, 1].
 * Calls `logitsFn` samples·eot times.
 */
export function randomSampling(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, options: RandomSamplingOptions): tf.Tensor4D {
  const { eps, samples = 20, distribution = 'uniform', eot = 1, seed = 0 } = options;
  checkEps('randomSampling', eps);
  checkInteger('randomSampling', 'samples', samples, 1);
  checkInteger('randomSampling', 'eot', eot, 1);
  checkSeed('randomSampling', seed);
  checkBatch('randomSampling', x, y);
  if (distribution !== 'uniform' && distribution !== 'sign') {
    throw new RangeError(`randomSampling: distribution must be 'uniform' or 'sign', got ${String(distribution)}`);
  }

  let best = { x: tf.clone(x), loss: tf.fill([x.shape[0]], Number.NEGATIVE_INFINITY) as tf.Tensor1D, fooled: tf.zeros([x.shape[0]], 'bool') as tf.Tensor1D };
  try {
    for (let s = 0; s < samples; s++) {
      const previous = best;
      best = tf.tidy(() => {
        const u = tf.randomUniform(x.shape, -1, 1, 'float32', deriveSeed(seed, s));
        const noise = distribution === 'sign' ? exactSign(u) : u;
        const candidate = tf.clipByValue(tf.add(x, tf.mul(noise, eps)), 0, 1) as tf.Tensor4D;
        const logits = meanLogits(logitsFn, candidate, eot);
        const loss = crossEntropyPerSample(logits, y);
        const fools = tf.notEqual(tf.argMax(logits, 1), tf.cast(y, 'int32'));
        // Take the candidate if it fools a point not yet fooled, or raises the loss of a point never fooled.
        const take = tf.logicalAnd(tf.logicalNot(previous.fooled), tf.logicalOr(fools, tf.greater(loss, previous.loss)));
        return {
          x: selectRows(take, candidate, previous.x),
          loss: tf.where(take, loss, previous.loss) as tf.Tensor1D,
          fooled: tf.logicalOr(previous.fooled, fools) as tf.Tensor1D,
        };
      });
      tf.dispose([previous.x, previous.loss, previous.fooled]);
    }
    const result = best.x;
    tf.dispose([best.loss, best.fooled]);
    return result;
  } catch (error) {
    tf.dispose([best.x, best.loss, best.fooled]);
    throw error;
  }
}
