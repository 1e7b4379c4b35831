import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@floatjs/engine';
import { selectBackend } from '../backend';
import { nativeKernelsFor } from './native-registry';
import { LINF_STEP_KERNEL, linfStepKernel } from './linf-step';
import { replaceKernel } from './stock-kernels';

/** The step in float64 arithmetic with a float32 rounding after each operation, as the stock ops round. */
function reference(c: Float32Array, g: Float32Array, x: Float32Array, step: number, eps: number): Float32Array {
  const f = Math.fround;
  const s = f(step), e = f(eps);
  return c.map((ci, i) => {
    const v = g[i] > 0 ? f(ci + s) : g[i] < 0 ? f(ci - s) : ci;
    return Math.min(1, Math.max(0, Math.min(f(x[i] + e), Math.max(f(x[i] - e), v))));
  });
}

describe('FloatLinfStep, with and without the native kernels', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: the JS pass and the native one both equal the float32 reference bit for bit`, async () => {
      await selectBackend(backend);
      const rng = new Rng(3);
      const n = 2 * 8 * 8 * 3;
      const x = Float32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : i % 17 === 0 ? 1 : rng.nextFloat()));
      const c = x.map((v) => Math.min(1, Math.max(0, v + (rng.nextFloat() - 0.5) * 0.1)));
      const g = rng.fillNormal(new Float32Array(n), 1).map((v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : v));
      const expected = Buffer.from(reference(c, g, x, -0.01, 0.03).buffer);
      const installed = tf.getKernel(LINF_STEP_KERNEL, backend)!;
      const native = nativeKernelsFor(backend);
      try {
        for (const kernel of [linfStepKernel(backend), ...(native ? [linfStepKernel(backend, native)] : [])]) {
          replaceKernel(kernel);
          const out = tf.tidy(() => {
            const t = (v: Float32Array) => tf.tensor4d(v, [2, 8, 8, 3]);
            return tf.engine().runKernel(LINF_STEP_KERNEL, { current: t(c), grad: t(g), x: t(x) }, { step: -0.01, eps: 0.03 }) as tf.Tensor;
          });
          expect(Buffer.compare(Buffer.from(out.dataSync().buffer), expected)).toBe(0);
          out.dispose();
        }
      } finally {
        replaceKernel(installed);
      }
    });
  }
});
