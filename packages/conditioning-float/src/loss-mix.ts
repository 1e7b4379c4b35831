import * as tf from '@tensorflow/tfjs-core';
import { condition, meanCrossEntropy, type ModelView, type Plugin, type PreparedLoss, type Rng } from '@floatjs/engine';

export interface FloatLossOptions {
  /** Share of each batch trained clean (λ = 0, BN_C); the rest is attacked (λ = 1, BN_A). Default 0.5. */
  cleanFraction?: number;
}

/**
 * FLOAT's binary-λ training step (Algorithm 1): the first half of the batch is trained clean with λ = 0
 * and BN_C; the second half is attacked and trained with λ = 1 (noise on) and BN_A.
 * The attack targets the model as it is deployed at λ = 1: noisy weights, BN_A in inference mode, fresh
 * noise at every step. Loss: 0.5·L_C + 0.5·L_A, each the mean over its half.
 */
export function floatLossMix(options: FloatLossOptions = {}): Plugin {
  const cleanFraction = options.cleanFraction ?? 0.5;
  if (!(cleanFraction > 0 && cleanFraction < 1)) throw new Error(`floatLossMix: cleanFraction must be in (0, 1), got ${cleanFraction}`);
  return {
    name: 'float-loss',
    options: { cleanFraction },
    lossMix: {
      prepare({ model, x, y, adversary, rng }) {
        if (!adversary) throw new Error('float training needs an adversary (the training attack); none was configured');
        const n = x.shape[0];
        if (n < 2) return cleanOnly(model, x, y, rng);
        const h = Math.max(1, Math.min(n - 1, Math.floor(n * cleanFraction)));
        const [xc, xa] = tf.split(x, [h, n - h]) as [tf.Tensor4D, tf.Tensor4D];
        const [yc, ya] = tf.split(y, [h, n - h]) as [tf.Tensor1D, tf.Tensor1D];
        const xAdv = adversary(model.logitsFn({ lambda: 1, lambdaN: 1, norm: 'adv' }, rng), xa, ya, rng.nextSeed());
        xa.dispose();
        const clean = condition({ lambda: 0, lambdaN: 0, norm: 'clean', training: true });
        const adv = condition({ lambda: 1, lambdaN: 1, norm: 'adv', training: true });
        return {
          loss: () =>
            tf.tidy(() => {
              const lc = meanCrossEntropy(model.forward(xc, clean, rng), yc);
              const la = meanCrossEntropy(model.forward(xAdv, adv, rng), ya);
              return tf.add(tf.mul(lc, 0.5), tf.mul(la, 0.5)) as tf.Scalar;
            }),
          dispose: () => tf.dispose([xc, yc, ya, xAdv]),
        };
      },
    },
  };
}

/**
 * A one-sample batch (the tail of an epoch) cannot be split; an empty adversarial half would put NaN into
 * BN_A's running statistics. It is trained clean, as the first half would have been.
 */
function cleanOnly(model: ModelView, x: tf.Tensor4D, y: tf.Tensor1D, rng: Rng): PreparedLoss {
  const clean = condition({ lambda: 0, lambdaN: 0, norm: 'clean', training: true });
  return { loss: () => meanCrossEntropy(model.forward(x, clean, rng), y), dispose() {} };
}
