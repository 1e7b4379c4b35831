import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNativeKernels } from '@floatjs/native-kernels';
import { describe, expect, it } from 'vitest';
import { Rng } from '@floatjs/random';
import { registerTrainingKernels } from './register-training-kernels';
import { repeatsAlong } from './native-elementwise';

const load = loadNativeKernels();

describe('repeatsAlong', () => {
  it('accepts equal shapes, trailing channel vectors and scalars; rejects other broadcasts', () => {
    expect(repeatsAlong([2, 3, 4], [2, 3, 4])).toBe(true);
    expect(repeatsAlong([4], [2, 3, 4])).toBe(true);
    expect(repeatsAlong([1, 1, 4], [2, 3, 4])).toBe(true);
    expect(repeatsAlong([], [2, 3])).toBe(true);
    expect(repeatsAlong([1], [2, 3])).toBe(true);
    expect(repeatsAlong([3, 1], [2, 3, 4])).toBe(false);
    expect(repeatsAlong([2, 1, 4], [2, 3, 4])).toBe(false);
    expect(repeatsAlong([5, 2, 3], [2, 3])).toBe(false);
  });
});

describe.skipIf(!load.ok)('native Add and Relu on the cpu backend, against its stock kernels', () => {
  it('agree element for element on every broadcast form, fall back for the others, and leak nothing', async () => {
    await tf.setBackend('cpu');
    const rng = new Rng(9);
    const t = (shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 1), shape);
    const pairs: Array<[tf.Tensor, tf.Tensor]> = [
      [t([4, 5, 5, 8]), t([4, 5, 5, 8])],
      [t([4, 5, 5, 8]), t([8])],
      [t([8]), t([4, 5, 5, 8])],
      [t([4, 5, 5, 8]), tf.scalar(0.5)],
      [t([4, 5, 5, 8]), t([1, 1, 1, 8])],
      [t([4, 5, 5, 8]), t([4, 1, 1, 8])], // not a repeat along a: stock kernel
      [t([3, 1]), t([1, 4])], // both broadcast: stock kernel
      // The cpu backend's cast from bool or int32 to float32 keeps the Uint8Array/Int32Array storage (it loses
      // nothing), so a float32 operand may not hold a Float32Array (AutoAttack adds such masks).
      [t([4, 5, 5, 8]), tf.cast(tf.greater(t([8]), 0), 'float32')],
      [tf.cast(tf.tensor1d([1, -2, 3, 0], 'int32'), 'float32'), t([4])],
    ];
    const stock = pairs.map(([a, b]) => tf.add(a, b).dataSync());
    const relus = pairs.map(([a]) => tf.relu(a).dataSync());
    registerTrainingKernels('cpu', { native: load.ok ? load.kernels : undefined });
    try {
      pairs.forEach(([a, b], i) => {
        const sum = tf.add(a, b);
        expect(Array.from(sum.dataSync()), `pair ${i}`).toEqual(Array.from(stock[i]));
        sum.dispose();
        const r = tf.relu(a);
        expect(r.dataSync().every((v, j) => v === relus[i][j]), `relu ${i}`).toBe(true);
        r.dispose();
      });
      const before = tf.memory().numTensors;
      tf.dispose([tf.add(pairs[1][0], pairs[1][1]), tf.relu(pairs[0][0])]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      registerTrainingKernels('cpu');
      tf.dispose(pairs.flat());
    }
  });
});
