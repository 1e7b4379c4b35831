import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@floatjs/random';
import { bitEqual } from '@floatjs/engine/testing';
import { selectBackend } from '../backend';
import { nativeKernelsFor } from './native-registry';
import { stockKernel } from './stock-kernels';

describe('native Mean on wasm (the global average pool)', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });

  it('equals the stock wasm kernel bit for bit over the spatial axes, hands every other Mean to it, and leaks nothing', async (ctx) => {
    await selectBackend('wasm');
    const native = nativeKernelsFor('wasm');
    if (!native) return ctx.skip();
    // Counts the native calls, to show which cases take the native path.
    const meanRows = native.meanRows;
    let calls = 0;
    native.meanRows = (...args: Parameters<typeof meanRows>) => {
      calls++;
      return meanRows.apply(native, args);
    };
    const stock = stockKernel(tf.Mean, 'wasm')!;
    const viaStock = (x: tf.Tensor, axis: number[], keepDims: boolean) =>
      tf.engine().makeTensorFromTensorInfo(stock.kernelFunc({ inputs: { x }, backend: tf.backend(), attrs: { axis, keepDims } }) as tf.TensorInfo);
    const rng = new Rng(5);
    const t = (shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1)), 3), shape);
    // Large and small sums, one pixel, odd channel counts, −0 everywhere, and Means the native kernel leaves alone
    // ([2, 1]: the stock kernel's sums run in that axis order).
    const cases: Array<[tf.Tensor, number[], boolean]> = [
      [t([16, 7, 7, 128]), [1, 2], false],
      [t([3, 32, 32, 5]), [1, 2], true],
      [t([3, 32, 32, 5]), [2, 1], true],
      [t([2, 1, 1, 3]), [1, 2], false],
      [tf.fill([2, 3, 3, 4], -0), [1, 2], false],
      [t([2, 4, 4, 3]), [-3, -2], false],
      [t([2, 4, 4, 3]), [1, 2, 3], false],
      [t([2, 4, 6]), [1], false],
    ];
    const nativeCases = 6;
    for (const [i, [x, axis, keepDims]] of cases.entries()) {
      const before = calls;
      const ours = tf.mean(x, axis, keepDims);
      expect(calls - before, `${x.shape} ${axis}: native`).toBe(i < nativeCases && i !== 2 ? 1 : 0);
      const theirs = viaStock(x, axis, keepDims);
      expect(ours.shape, `${x.shape} ${axis}`).toEqual(theirs.shape);
      expect(bitEqual(ours.dataSync() as Float32Array, theirs.dataSync() as Float32Array), `${x.shape} ${axis}`).toBe(true);
      tf.dispose([ours, theirs]);
    }
    const before = tf.memory().numTensors;
    tf.mean(cases[0][0], [1, 2]).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(cases.map((c) => c[0]));
    native.meanRows = meanRows;
  });
});
