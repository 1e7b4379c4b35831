import * as tf from '@tensorflow/tfjs-core';
import { condition, meanCrossEntropy, type EvalSetting, type MethodKit, type Plugin } from '@floatjs/engine';
import { floatNoise } from '@floatjs/conditioning-float';

/**
 * Parametric noise injection (He et al. 2019, the FLOAT paper's ref. [15]) as the paper's Sec. 3.1 uses it for
 * Fig. 3: PGD-AT (λ = 1, Madry) with one BN, training *and* attacking the model with its weight noise on,
 * W' = W + α·η (FLOAT's noisy weight at λn = 1, α trainable per conv layer).
 */
export function pniLossMix(): Plugin {
  return {
    name: 'pni-loss',
    options: {},
    lossMix: {
      prepare({ model, x, y, adversary, rng }) {
        if (!adversary) throw new Error('pni needs an adversary (the training attack); none was configured');
        const xAdv = adversary(model.logitsFn({ lambda: 1, lambdaN: 1 }, rng), x, y, rng.nextSeed());
        const train = condition({ lambda: 1, lambdaN: 1, training: true });
        return {
          loss: () => tf.tidy(() => meanCrossEntropy(model.forward(xAdv, train, rng), y)),
          dispose: () => xAdv.dispose(),
        };
      },
    },
  };
}

/**
 * Evaluated with the trained noise re-scaled after training (Fig. 3): the evaluation's λ is the re-scaling
 * factor λn, so the noise is λn·α·η. One BN, so there is no λ_th; λn > 0 is randomized (fresh noise per forward).
 */
export function pniSettings(lambdas: readonly number[]): EvalSetting[] {
  return lambdas.map((l) => {
    if (!(l >= 0 && l <= 1)) throw new Error(`pni: λn must be in [0, 1], got ${l}`);
    return { lambda: l, lambdaTh: null, cond: condition({ lambda: l, lambdaN: l }), width: 1, randomized: l > 0 };
  });
}

export const pniKit: MethodKit = {
  name: 'pni',
  description: 'PNI (paper ref. [15], Fig. 3): PGD-AT (λ = 1) with one BN and trainable weight noise W + α·η always on in training; evaluated with the noise re-scaled by λn (the evaluation λ)',
  adversarial: true,
  plugins: (o) => [floatNoise({ alphaInit: o.alphaInit as number | undefined }), pniLossMix()],
  settings: (lambdas) => pniSettings(lambdas),
  cost: { delayKind: 'float' },
};
