import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { condition, FUSED_CONV_ADD, ModelBuilder, PluginHost, Rng, type ForwardContext } from '@floatjs/engine';
import { selectBackend } from './backend';

/**
 * A residual block's end, act(norm(conv(x)) + residual), as FloatFusedConv2DAdd (one native pass) and as the
 * engine's composition (fused conv, add, ReLU) when the kernel is not registered: the same roundings in the
 * same order, so outputs and gradients must agree bit for bit.
 */
function run(activation: 'relu' | 'linear', stride: number) {
  const b = new ModelBuilder(new PluginHost([]), new Rng(4));
  const conv = b.convNorm('c', { inChannels: 8, filters: 12, kernelSize: 3, stride }, 'n', activation);
  const vars = b.registry.vars;
  const rng = new Rng(9);
  tf.tidy(() => {
    vars.get('n.gamma')!.assign(tf.tensor1d(Float32Array.from({ length: 12 }, () => 0.5 + rng.nextFloat())));
    vars.get('n.movingMean')!.assign(tf.tensor1d(rng.fillNormal(new Float32Array(12), 1)));
  });
  const ctx: ForwardContext = { cond: condition({ training: false }), rng: new Rng(1) };
  const out = tf.tidy(() => {
    const x = tf.tensor4d(new Rng(3).fillNormal(new Float32Array(2 * 9 * 9 * 8), 1), [2, 9, 9, 8]);
    const size = stride === 1 ? 9 : 5;
    const r = tf.tensor4d(new Rng(5).fillNormal(new Float32Array(2 * size * size * 12), 1), [2, size, size, 12]);
    const cot = tf.reshape(tf.sin(tf.range(0, r.size)), r.shape);
    const f = (xx: tf.Tensor, rr: tf.Tensor) => tf.sum(tf.mul(conv(xx as tf.Tensor4D, ctx, () => rr as tf.Tensor4D), cot)) as tf.Scalar;
    const y = conv(x, ctx, r);
    const [gx, gr] = tf.grads(f)([x, r]);
    return [y, gx, gr].map((t) => Buffer.from(t.dataSync().buffer));
  });
  vars.forEach((v) => v.dispose());
  return out;
}

describe('FloatFusedConv2DAdd: a residual add fused into the conv epilogue', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const [activation, stride] of [['relu', 1], ['linear', 2]] as const) {
      it(`${backend}, ${activation}, stride ${stride}: output and both gradients equal the unfused composition bit for bit`, async () => {
        const b = await selectBackend(backend);
        const config = tf.getKernel(FUSED_CONV_ADD, backend);
        // Without the native kernels there is nothing fused to compare.
        if (!b.native) expect(config).toBeUndefined();
        if (!config) return;
        const fused = run(activation, stride);
        tf.unregisterKernel(FUSED_CONV_ADD, backend);
        try {
          const composed = run(activation, stride);
          ['y', 'dx', 'dresidual'].forEach((name, i) => expect(Buffer.compare(fused[i], composed[i]), name).toBe(0));
        } finally {
          tf.registerKernel(config);
        }
        const before = tf.memory().numTensors;
        run(activation, stride);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
