import * as tf from '@tensorflow/tfjs-core';
import { condition } from '../condition';
import { meanCrossEntropy } from '../losses';
import type { Plugin } from '../plugin';

export interface PgdAtOptions {
  /** Weight of the adversarial loss: (1−λ)·L_C + λ·L_A. λ = 1 is Madry's PGD-AT. */
  lambda?: number;
}

/**
 * PGD adversarial training with one BN and a fixed λ, the baseline the paper trains once per λ.
 * The attack runs against the model in inference mode; the clean forward is skipped when λ = 1.
 */
export function pgdAtLossMix(options: PgdAtOptions = {}): Plugin {
  const lambda = options.lambda ?? 1;
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`pgd-at: lambda must be in [0, 1], got ${lambda}`);
  return {
    name: 'pgd-at-loss',
    options: { lambda },
    lossMix: {
      prepare({ model, x, y, adversary, rng }) {
        if (!adversary) throw new Error('pgd-at needs an adversary (the training attack); none was configured');
        const xAdv = lambda > 0 ? adversary(model.logitsFn({}, rng), x, y, rng.nextSeed()) : null;
        const train = condition({ training: true });
        return {
          loss: () =>
            tf.tidy(() => {
              const la = xAdv ? tf.mul(meanCrossEntropy(model.forward(xAdv, train, rng), y), lambda) : tf.scalar(0);
              const lc = lambda < 1 ? tf.mul(meanCrossEntropy(model.forward(x, train, rng), y), 1 - lambda) : tf.scalar(0);
              return tf.add(lc, la) as tf.Scalar;
            }),
          dispose: () => xAdv?.dispose(),
        };
      },
    },
  };
}
