// The webgpu backend against the cpu one (with the native kernels) on small shapes: the kernels floatjs
// trains with, its engine ops on their stock-op fallbacks, synchronous reads, and memory. On a machine
// without a GPU this runs on Mesa's llvmpipe through Dawn's OpenGL backend (see the package README).
import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrain, fusedConv, Rng, seededNormal } from '@floatjs/engine';
import { describe, expect, it } from 'vitest';
import { onBoth, relativeError, startWebGPU } from './test-utils/start-webgpu';

const gpu = await startWebGPU();
/** float32 kernels that sum in another order: ≤ 1e-5 of the output's scale (measured ≤ 3.4e-7 on llvmpipe). */
const TOL = 1e-5;

const rng = new Rng(7);
const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.nextFloat() * 2 - 1);
const read = (ts: tf.Tensor[]) => ts.map((t) => t.dataSync().slice());

describe.skipIf(!gpu.ok)('webgpu (Dawn) against cpu', () => {
  it('records the adapter and whether it is a GPU', () => {
    if (!gpu.ok) return;
    const device = gpu.choice.device;
    expect(gpu.choice.name).toBe('webgpu');
    expect(gpu.choice.package).toBe('@tensorflow/tfjs-backend-webgpu');
    expect(device?.adapter?.featureLevel).toMatch(/^(core|compatibility)$/);
    expect(device?.gpu).toBe(!device?.adapter?.software);
    expect(device?.detail).toContain(device?.adapter?.description ?? '');
  });

  it('matMul', async () => {
    const a = uniform(33 * 47);
    const b = uniform(47 * 29);
    const r = await onBoth(() => tf.tidy(() => read([tf.matMul(tf.tensor2d(a, [33, 47]), tf.tensor2d(b, [47, 29]))])));
    expect(relativeError(r.cpu[0], r.webgpu[0])).toBeLessThan(TOL);
  });

  const convCases = [
    { name: '3×3 stride 1 same', k: 3, stride: 1, pad: 'same' as const },
    { name: '3×3 stride 2 same', k: 3, stride: 2, pad: 'same' as const },
    { name: '3×3 stride 2 valid', k: 3, stride: 2, pad: 'valid' as const },
    { name: '1×1 stride 2', k: 1, stride: 2, pad: 'same' as const },
  ];
  for (const c of convCases) {
    it(`conv2d ${c.name}: forward, input gradient, filter gradient`, async () => {
      const x = uniform(2 * 9 * 9 * 3);
      const w = uniform(c.k * c.k * 3 * 5);
      const side = c.pad === 'same' ? Math.ceil(9 / c.stride) : Math.floor((9 - c.k) / c.stride) + 1;
      const dyValues = uniform(2 * side * side * 5);
      const r = await onBoth(() =>
        tf.tidy(() => {
          const xs = tf.tensor4d(x, [2, 9, 9, 3]);
          const ws = tf.tensor4d(w, [c.k, c.k, 3, 5]);
          const y = tf.conv2d(xs, ws, c.stride, c.pad);
          const dy = tf.tensor(dyValues, y.shape);
          // Conv2DBackpropInput and Conv2DBackpropFilter, as training runs them.
          const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([xs, ws]);
          return read([y, dx, dw]);
        }),
      );
      r.cpu.forEach((ref, i) => expect(relativeError(ref, r.webgpu[i]), ['forward', 'dx', 'dw'][i]).toBeLessThan(TOL));
    });
  }

  it("the engine's fused conv (bias, ReLU: tfjs-webgpu's FusedConv2D) and training batch norm (stock ops), with their gradients", async () => {
    const x = uniform(4 * 6 * 6 * 3);
    const w = uniform(3 * 3 * 3 * 4);
    const bias = uniform(4);
    const gamma = uniform(4).map((v) => 1 + v / 2);
    const beta = uniform(4);
    // A random weighting: with sum(z²) the input gradient through batch norm nearly cancels to zero.
    const weighting = uniform(4 * 6 * 6 * 4);
    const r = await onBoth(() =>
      tf.tidy(() => {
        const xs = tf.tensor4d(x, [4, 6, 6, 3]);
        const loss = (a: tf.Tensor, f: tf.Tensor, b: tf.Tensor, g: tf.Tensor, be: tf.Tensor) => {
          const y = fusedConv(a as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, 1, 1, 'relu');
          const { y: z } = batchNormTrain(y, g as tf.Tensor1D, be as tf.Tensor1D, 1e-5);
          return tf.sum(tf.mul(z, tf.tensor4d(weighting, [4, 6, 6, 4])));
        };
        const inputs = [xs, tf.tensor4d(w, [3, 3, 3, 4]), tf.tensor1d(bias), tf.tensor1d(gamma), tf.tensor1d(beta)];
        return read([loss(...(inputs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor])), ...tf.grads(loss)(inputs)]);
      }),
    );
    r.cpu.forEach((ref, i) => expect(relativeError(ref, r.webgpu[i]), `output ${i}`).toBeLessThan(TOL));
  });

  it('the seeded normal fill is the same stream on both', async () => {
    const r = await onBoth(() => tf.tidy(() => read([seededNormal(new Rng(11), [3, 3, 8, 8], 0.5)])));
    expect(Array.from(r.webgpu[0])).toEqual(Array.from(r.cpu[0]));
  });

  it('synchronous reads (dataSync) return what the asynchronous read does, also inside promise continuations', async () => {
    await tf.setBackend('webgpu');
    try {
      const values = uniform(100_000);
      const t = tf.tidy(() => tf.mul(tf.tensor1d(values), 2));
      const asynchronous = await t.data();
      const t2 = tf.tidy(() => tf.mul(tf.tensor1d(values), 2));
      const synchronous = await Promise.resolve().then(() => t2.dataSync());
      expect(Array.from(synchronous)).toEqual(Array.from(asynchronous));
      expect(synchronous[5]).toBe(Math.fround(values[5] * 2));
      tf.dispose([t, t2]);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('no tensor or GPU-buffer growth over repeated gradient steps', async () => {
    await tf.setBackend('webgpu');
    try {
      const x = tf.tensor4d(uniform(2 * 9 * 9 * 3), [2, 9, 9, 3]);
      const w = tf.variable(tf.tensor4d(uniform(3 * 3 * 3 * 5), [3, 3, 3, 5]));
      const step = () => {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(x, w, 1, 'same'))), [w]);
          w.assign(tf.sub(w, tf.mul(grads[w.name], 1e-4)));
        });
        w.dataSync();
      };
      step(); // Shaders compiled and buffers pooled.
      const before = { tensors: tf.memory().numTensors, bytes: (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU };
      for (let i = 0; i < 5; i++) step();
      const after = { tensors: tf.memory().numTensors, bytes: (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU };
      expect(after.tensors).toBe(before.tensors);
      expect(typeof before.bytes).toBe('number');
      expect(after.bytes).toBe(before.bytes);
      tf.dispose([x, w]);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
