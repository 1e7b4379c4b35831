// A weight-conditioning method in one file: W' = W + λ·s·std(W)·u, u ~ U(−√3, √3) (unit variance), one BN.
import * as tf from '@tensorflow/tfjs-core';
import { condition, meanCrossEntropy } from '@floatjs/engine';

/** Noise scale s relative to each kernel's std, fixed (FLOAT learns its α; this method does not). */
const SCALE = 0.25;
const HALF_WIDTH = Math.sqrt(3);

const uniformNoise = (scale) => ({
  name: 'uniform-noise',
  options: { scale },
  weightTransform: {
    apply(weight, layer, { cond, rng }) {
      if (layer.kind !== 'conv2d' || cond.lambdaN === 0) return weight; // the classifier stays clean, as FLOAT's
      const std = tf.tidy(() => tf.sqrt(tf.moments(weight).variance).dataSync()[0]);
      const u = new Float32Array(weight.size); // drawn from the forward's seeded rng, so runs are reproducible
      for (let i = 0; i < u.length; i++) u[i] = (2 * rng.nextFloat() - 1) * HALF_WIDTH * std;
      return tf.tidy(() => tf.add(weight, tf.mul(tf.tensor(u, weight.shape), scale * cond.lambdaN)));
    },
  },
});

// FLOAT's binary-λ step with a single BN: half the batch clean at λ = 0, half attacked and trained at λ = 1.
const binaryLambdaLoss = () => ({
  name: 'uniform-noise-loss',
  options: {},
  lossMix: {
    prepare({ model, x, y, adversary, rng }) {
      const n = x.shape[0];
      const clean = condition({ training: true });
      if (n < 2) return { loss: () => meanCrossEntropy(model.forward(x, clean, rng), y), dispose() {} };
      const h = n >> 1;
      const [xc, xa] = tf.split(x, [h, n - h]);
      const [yc, ya] = tf.split(y, [h, n - h]);
      const xAdv = adversary(model.logitsFn(condition({ lambda: 1, lambdaN: 1 }), rng), xa, ya, rng.nextSeed());
      xa.dispose();
      const noisy = condition({ lambda: 1, lambdaN: 1, training: true });
      const loss = () => tf.tidy(() => tf.mul(tf.add(meanCrossEntropy(model.forward(xc, clean, rng), yc), meanCrossEntropy(model.forward(xAdv, noisy, rng), ya)), 0.5));
      return { loss, dispose: () => tf.dispose([xc, yc, ya, xAdv]) };
    },
  },
});

/** The method kit `float train --method ./uniform-noise.js` loads. */
export default {
  name: 'uniform-noise',
  description: 'uniform weight noise λ·s·std(W)·U(−√3, √3) on conv kernels, one BN, binary-λ adversarial training',
  adversarial: true,
  plugins: () => [uniformNoise(SCALE), binaryLambdaLoss()],
  // One condition per λ (no λ_th): noise scale λ, randomized whenever it is on.
  settings: (lambdas) => lambdas.map((l) => ({ lambda: l, lambdaTh: null, cond: condition({ lambda: l, lambdaN: l }), width: 1, randomized: l > 0 })),
  // One extra multiply pass over the weights, as FLOAT's noise scaling: Eq. 8.
  cost: { delayKind: 'float' },
};
