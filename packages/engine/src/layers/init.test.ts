import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStockBackend } from '../testing';
import { createModel } from '../models/zoo';
import { Rng } from '@floatjs/random';
import { convKernelInit } from './init';

const MNIST = { height: 28, width: 28, channels: 1, numClasses: 10 };

beforeAll(async () => {
  await useStockBackend('cpu');
});

function stats(t: tf.Tensor): { std: number; maxAbs: number; mean: number } {
  const v = t.dataSync();
  let sum = 0;
  let sq = 0;
  let maxAbs = 0;
  for (const x of v) {
    sum += x;
    sq += x * x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = sum / v.length;
  return { mean, std: Math.sqrt(sq / v.length - mean * mean), maxAbs };
}

describe('conv kernel init', () => {
  it('pytorch is U(±1/√fan_in), as torch.nn.Conv2d (kaiming_uniform, a = √5)', () => {
    const fanIn = 3 * 3 * 64;
    const t = convKernelInit('pytorch', [3, 3, 64, 128], fanIn, new Rng(1));
    const { std, maxAbs, mean } = stats(t);
    const bound = 1 / Math.sqrt(fanIn);
    expect(maxAbs).toBeLessThanOrEqual(bound);
    expect(maxAbs).toBeGreaterThan(0.99 * bound);
    // U(−b, b) has std b/√3; 73,728 draws pin it to well under 1 %.
    expect(std / (bound / Math.sqrt(3))).toBeCloseTo(1, 2);
    expect(Math.abs(mean)).toBeLessThan(0.01 * bound);
    t.dispose();
  });

  it('he-normal has std √(2/fan_in), √6 times the pytorch scale', () => {
    const fanIn = 3 * 3 * 64;
    const t = convKernelInit('he-normal', [3, 3, 64, 128], fanIn, new Rng(1));
    expect(stats(t).std / Math.sqrt(2 / fanIn)).toBeCloseTo(1, 2);
    t.dispose();
  });

  it('rejects an unknown kind by name', () => {
    expect(() => convKernelInit('xavier' as never, [1], 1, new Rng(1))).toThrow(/unknown conv init "xavier"; expected one of: pytorch, he-normal/);
  });

  it('models default to pytorch and record it; he-normal stays selectable and seeded', () => {
    const a = createModel('cnn-s', MNIST, [], 3);
    const b = createModel('cnn-s', MNIST, [], 3, { init: 'he-normal' });
    const c = createModel('cnn-s', MNIST, [], 3, { init: 'he-normal' });
    expect(a.init).toBe('pytorch');
    expect(b.init).toBe('he-normal');
    const k = (m: typeof a) => m.variables.get('conv2.kernel')!;
    const fanIn = 3 * 3 * 32;
    expect(stats(k(a)).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    expect(stats(k(b)).std / Math.sqrt(2 / fanIn)).toBeGreaterThan(0.9);
    expect(Array.from(k(b).dataSync())).toEqual(Array.from(k(c).dataSync()));
    // The classifier keeps torch's Linear init, U(±1/√fan_in), under either kind.
    expect(stats(b.variables.get('fc.kernel')!).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(128));
    for (const m of [a, b, c]) m.dispose();
  });
});
