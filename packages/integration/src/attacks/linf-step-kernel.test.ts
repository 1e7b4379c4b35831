import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { LINF_STEP, linfStep, pgd } from '@floatjs/attacks';
import { selectBackend } from '@floatjs/backend';
import { Rng } from '@floatjs/engine';

/** Inputs that reach every branch: gradients of both signs, ±0 and below FLT_EPSILON; pixels at 0 and 1. */
function inputs() {
  const rng = new Rng(31);
  const n = 4 * 9 * 9 * 3;
  const g = rng.fillNormal(new Float32Array(n), 1).map((v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : i % 5 === 0 ? v * 1e-9 : v));
  const x = Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : i % 17 === 0 ? 1 : rng.nextFloat()));
  const c = x.map((v) => Math.min(1, Math.max(0, v + (rng.nextFloat() - 0.5) * 0.2)));
  const shape = [4, 9, 9, 3] as const;
  return { current: tf.tensor4d(c, [...shape]), grad: tf.tensor4d(g, [...shape]), x: tf.tensor4d(x, [...shape]) };
}

describe("FloatLinfStep (@floatjs/backend) implements @floatjs/attacks' linfStep", () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: the registered kernel gives the stock ops' result bit for bit, and PGD is unchanged`, async () => {
      await selectBackend(backend);
      const config = tf.getKernel(LINF_STEP, backend);
      expect(config, `a kernel named ${LINF_STEP}`).toBeDefined();
      const run = () =>
        tf.tidy(() => {
          const { current, grad, x } = inputs();
          const steps = [linfStep(current, grad, x, 0.03, 0.1), linfStep(current, grad, x, -0.02, 0.05)];
          // A whole PGD run on a fixed linear model (its gradient is the same each step).
          const w = tf.tensor2d(new Rng(5).fillNormal(new Float32Array(243 * 10), 1), [243, 10]);
          const adv = pgd((xx) => tf.matMul(tf.reshape(xx, [4, 243]), w), x, tf.tensor1d([1, 2, 3, 4], 'int32'), { eps: 0.1, steps: 5, stepSize: 0.03, seed: 7 });
          return [...steps, adv].map((t) => Buffer.from(t.dataSync().buffer));
        });
      const kernel = run();
      tf.unregisterKernel(LINF_STEP, backend);
      try {
        const composed = run();
        ['step +', 'step −', 'pgd'].forEach((name, i) => expect(Buffer.compare(kernel[i], composed[i]), name).toBe(0));
      } finally {
        tf.registerKernel(config!);
      }
    });
  }
});
