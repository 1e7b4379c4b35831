import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FOLD_NORM, foldNorm, Rng } from '@floatjs/engine';
import { maxRelErr } from '@floatjs/engine/testing';
import { selectBackend } from '../backend';

/** foldNorm's outputs and the gradients of all five inputs, under a cotangent that varies per element. */
function fold() {
  return tf.tidy(() => {
    const rng = new Rng(11);
    const normal = (n: number) => rng.fillNormal(new Float32Array(n), 1);
    const filter = tf.tensor4d(normal(3 * 3 * 5 * 7), [3, 3, 5, 7]);
    const gamma = tf.tensor1d(normal(7));
    const beta = tf.tensor1d(normal(7));
    const mean = tf.tensor1d(normal(7));
    const variance = tf.tensor1d(Float32Array.from({ length: 7 }, () => 0.2 + 2 * rng.nextFloat()));
    const cotF = tf.reshape(tf.sin(tf.range(0, filter.size)), filter.shape);
    const cotT = tf.cos(tf.range(0, 7));
    const f = (...xs: tf.Tensor[]) => {
      const r = foldNorm(xs[0] as tf.Tensor4D, xs[1] as tf.Tensor1D, xs[2] as tf.Tensor1D, xs[3] as tf.Tensor1D, xs[4] as tf.Tensor1D, 1e-5);
      return tf.add(tf.sum(tf.mul(r.filter, cotF)), tf.sum(tf.mul(r.shift, cotT))) as tf.Scalar;
    };
    const out = foldNorm(filter, gamma, beta, mean, variance, 1e-5);
    const grads = tf.grads(f)([filter, gamma, beta, mean, variance]);
    return [out.filter, out.shift, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('FloatFoldNorm: inference batch norm folded into the conv kernel in one pass', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: equals the stock-op composition (outputs and the gradients of filter, γ, β, μ, v)`, async () => {
      await selectBackend(backend);
      const config = tf.getKernel(FOLD_NORM, backend);
      expect(config, 'registered').toBeDefined();
      const kernel = fold();
      tf.unregisterKernel(FOLD_NORM, backend);
      let composed: Float32Array[];
      try {
        composed = fold();
      } finally {
        tf.registerKernel(config!);
      }
      const names = ['filter', 'shift', 'dfilter', 'dgamma', 'dbeta', 'dmean', 'dvariance'];
      // wasm's Rsqrt rounds as the kernel does: the outputs are bit-identical there. The cpu backend's
      // Rsqrt rounds 1/√x once from double, so its last bit may differ.
      names.forEach((name, i) => {
        if (backend === 'wasm' && i < 2) expect(Buffer.compare(Buffer.from(kernel[i].buffer), Buffer.from(composed[i].buffer)), name).toBe(0);
        else expect(maxRelErr(kernel[i], composed[i]), name).toBeLessThan(1e-6);
      });
      const before = tf.memory().numTensors;
      fold();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
