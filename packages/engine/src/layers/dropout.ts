import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../plugin';

/**
 * Inverted dropout (PyTorch's `F.dropout`): in a training forward each element is kept with
 * probability 1 − rate and scaled by 1/(1 − rate); otherwise (inference, every attack step) it is the
 * identity. The mask comes from the forward's seeded generator, so a run is reproducible and a resumed
 * run continues the same stream. The mask is a constant, so the gradient is `dy · mask`.
 */
export class Dropout {
  /** `keep` as a threshold on a uniform uint32 draw. */
  private readonly keepBelow: number;
  private readonly scale: number;

  constructor(readonly name: string, readonly rate: number) {
    if (!Number.isFinite(rate) || rate < 0 || rate >= 1) {
      throw new Error(`dropout ${name}: rate must be in [0, 1), got ${rate}`);
    }
    this.keepBelow = (1 - rate) * 4294967296;
    this.scale = 1 / (1 - rate);
  }

  apply<T extends tf.Tensor>(x: T, ctx: ForwardContext): T {
    if (!ctx.cond.training || this.rate === 0) return x;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = ctx.rng.nextUint32() < this.keepBelow ? this.scale : 0;
    return tf.mul(x, tf.tensor(mask, x.shape)) as T;
  }
}
