import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchRanges } from './batches';
import { crossEntropyPerSample } from './cross-entropy';
import { percentTrue } from './percent';
import { projectLinf } from './project-linf';
import { deriveSeed } from './seed';
import { useBackend } from './test-utils/tf-setup';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('projectLinf', () => {
  it('clamps to [x − ε, x + ε] first, then to [0, 1]', () => {
    const x = tf.tensor4d([0, 0.05, 0.5, 0.95, 1, 0.5], [1, 1, 6, 1]);
    const candidate = tf.tensor4d([-0.5, 0.3, 0.55, 1.2, 0.5, 0.2], [1, 1, 6, 1]);
    const projected = projectLinf(candidate, x, 0.1);
    const values = Array.from(projected.dataSync());
    const expected = [0, 0.15, 0.55, 1, 0.9, 0.4];
    values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([x, candidate, projected]);
  });

  it('ε = 0 returns x clipped to [0, 1]', () => {
    const x = tf.tensor4d([0, 0.3, 1], [1, 1, 3, 1]);
    const candidate = tf.tensor4d([1, 0, 0], [1, 1, 3, 1]);
    const projected = projectLinf(candidate, x, 0);
    expect(Array.from(projected.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, candidate, projected]);
  });
});

describe('crossEntropyPerSample', () => {
  it('is −log softmax(logits)[label] per sample', () => {
    const logits = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 0],
      [10, -10, 0],
    ]);
    const labels = [2, 1, 0];
    const expected = [[1, 2, 3], [0, 0, 0], [10, -10, 0]].map((row, i) => {
      const logSum = Math.log(row.reduce((acc, v) => acc + Math.exp(v), 0));
      return logSum - row[labels[i]];
    });
    for (const dtype of ['int32', 'float32'] as const) {
      const y = tf.tensor1d(labels, dtype);
      const loss = crossEntropyPerSample(logits, y);
      expect(loss.shape).toEqual([3]);
      Array.from(loss.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
      tf.dispose([y, loss]);
    }
    logits.dispose();
  });
});

describe('deriveSeed', () => {
  it('is deterministic, non-zero, 32-bit, and separates nearby seeds and streams', () => {
    const seen = new Set<number>();
    for (let seed = 0; seed < 50; seed++) {
      for (let stream = 0; stream < 4; stream++) {
        const s = deriveSeed(seed, stream);
        expect(s).toBe(deriveSeed(seed, stream));
        expect(Number.isInteger(s) && s > 0 && s < 2 ** 32).toBe(true);
        seen.add(s);
      }
    }
    expect(seen.size).toBe(200);
    expect(deriveSeed(2 ** 40, 0)).not.toBe(deriveSeed(0, 0));
  });

  it('rejects non-integers', () => {
    expect(() => deriveSeed(1.5, 0)).toThrow(RangeError);
    expect(() => deriveSeed(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('batchRanges and percentTrue', () => {
  it('covers every sample once, with a short last batch', () => {
    expect(batchRanges(7, 3)).toEqual([
      { start: 0, size: 3 },
      { start: 3, size: 3 },
      { start: 6, size: 1 },
    ]);
    expect(batchRanges(0, 3)).toEqual([]);
    expect(() => batchRanges(5, 0)).toThrow(RangeError);
    expect(() => batchRanges(5, 2.5)).toThrow(RangeError);
  });

  it('gives percent, and refuses zero samples', () => {
    expect(percentTrue([true, false, true, true])).toBe(75);
    expect(() => percentTrue([])).toThrow(RangeError);
  });
});
