import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, SGD_STEP, sgdStep } from '@floatjs/engine';
import { selectBackend } from '../backend';

/** Three chained updates of a [37, 5] parameter, so the momentum carries over. */
function steps(weightDecay: number): Buffer[] {
  return tf.tidy(() => {
    const rng = new Rng(21);
    const normal = () => tf.tensor2d(rng.fillNormal(new Float32Array(37 * 5), 1), [37, 5]);
    let w: tf.Tensor = normal();
    let buf: tf.Tensor = tf.zerosLike(w);
    for (let i = 0; i < 3; i++) [w, buf] = sgdStep(w, normal(), buf, { lr: 0.1 / (i + 1), momentum: 0.9, weightDecay });
    return [w, buf].map((t) => Buffer.from(t.dataSync().buffer));
  });
}

describe('FloatSgdStep: one pass per parameter', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });
  it('names an input whose shape is not the parameter\'s', async () => {
    await selectBackend('wasm');
    const w = tf.zeros([3, 2]);
    const bad = tf.zeros([2, 3]);
    expect(() => sgdStep(w, bad, w, { lr: 0.1, momentum: 0.9, weightDecay: 0 })).toThrow("FloatSgdStep: grad has shape [2,3], expected w's [3,2]");
    tf.dispose([w, bad]);
  });
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const weightDecay of [0, 5e-4]) {
      it(`${backend}, weight decay ${weightDecay}: equals the six stock ops bit for bit`, async () => {
        await selectBackend(backend);
        const config = tf.getKernel(SGD_STEP, backend);
        expect(config, 'registered').toBeDefined();
        const kernel = steps(weightDecay);
        tf.unregisterKernel(SGD_STEP, backend);
        try {
          const composed = steps(weightDecay);
          expect(Buffer.compare(kernel[0], composed[0]), 'w').toBe(0);
          expect(Buffer.compare(kernel[1], composed[1]), 'momentum').toBe(0);
        } finally {
          tf.registerKernel(config!);
        }
      });
    }
  }
});
