import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxRelErr, useStockBackend } from '../testing';
import { learningRate } from './schedule';
import { Sgd } from './sgd';

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('Sgd', () => {
  it('matches torch.optim.SGD (momentum 0.9, weight decay 5e-4, dampening 0) for two steps', () => {
    const w0 = { a: [0.5, -1.25, 2], b: [0.1, 0.2, -0.3, 0.4] };
    const grads = [
      { a: [0.3, -0.2, 0.1], b: [1, -1, 0.5, 0] },
      { a: [-0.4, 0.6, 0.05], b: [0.25, 0.5, -2, 1] },
    ];
    const lrs = [0.1, 0.05];
    const mu = 0.9;
    const wd = 5e-4;

    // torch: d_p = g + wd·p; buf = d_p (first step) else μ·buf + d_p; p -= lr·buf. In float64 by hand.
    const expected: Record<string, number[]> = { a: [...w0.a], b: [...w0.b] };
    const bufs: Record<string, number[] | null> = { a: null, b: null };
    for (let s = 0; s < 2; s++) {
      for (const k of ['a', 'b'] as const) {
        const d = grads[s][k].map((g, i) => g + wd * expected[k][i]);
        bufs[k] = bufs[k] ? bufs[k]!.map((v, i) => mu * v + d[i]) : d;
        expected[k] = expected[k].map((p, i) => p - lrs[s] * bufs[k]![i]);
      }
    }

    const vars = new Map<string, tf.Variable>([
      ['a', tf.variable(tf.tensor1d(w0.a))],
      ['b', tf.variable(tf.tensor2d(w0.b, [2, 2]))],
      ['frozen', tf.variable(tf.tensor1d([7, 8]), false)],
    ]);
    const opt = new Sgd(vars, { momentum: mu, weightDecay: wd });
    expect([...opt.momentum.keys()]).toEqual(['a', 'b']);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 2; s++) {
      opt.step(
        {
          [vars.get('a')!.name]: tf.tensor1d(grads[s].a),
          [vars.get('b')!.name]: tf.tensor2d(grads[s].b, [2, 2]),
          [vars.get('frozen')!.name]: tf.tensor1d([1, 1]),
          unknownVariable: tf.tensor1d([1]),
        },
        lrs[s],
      );
    }
    // Every gradient tensor was disposed, nothing was allocated for good.
    expect(tf.memory().numTensors).toBe(before);
    expect(maxRelErr(vars.get('a')!.dataSync(), expected.a)).toBeLessThan(1e-6);
    expect(maxRelErr(vars.get('b')!.dataSync(), expected.b)).toBeLessThan(1e-6);
    expect(maxRelErr(opt.momentum.get('a')!.dataSync(), bufs.a!)).toBeLessThan(1e-6);
    expect(Array.from(vars.get('frozen')!.dataSync())).toEqual([7, 8]);
    opt.dispose();
    for (const v of vars.values()) v.dispose();
  });

  it('without momentum and weight decay is plain gradient descent', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new Sgd(new Map([['w', w]]), { momentum: 0, weightDecay: 0 });
    opt.step({ [w.name]: tf.tensor1d([0.5, -1]) }, 0.5);
    opt.step({ [w.name]: tf.tensor1d([0.5, -1]) }, 0.5);
    expect(Array.from(w.dataSync())).toEqual([0.5, 3]);
    opt.dispose();
    w.dispose();
  });
});

describe('Sgd memory', () => {
  it('allocates exactly one momentum buffer per trainable variable, nothing more', () => {
    const w = tf.variable(tf.ones([3, 2]), true, 'sgd-mem-w');
    const frozen = tf.variable(tf.ones([2]), false, 'sgd-mem-f');
    const before = tf.memory().numTensors;
    const sgd = new Sgd(new Map([['w', w], ['f', frozen]]), { momentum: 0.9, weightDecay: 0 });
    expect(sgd.momentum.size).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1);
    for (const m of sgd.momentum.values()) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
    frozen.dispose();
  });
});

describe('learningRate', () => {
  it('cosine: base at step 0, half at the midpoint, 0 at the end, clamped outside', () => {
    expect(learningRate('cosine', 0.1, 0, 100)).toBeCloseTo(0.1, 12);
    expect(learningRate('cosine', 0.1, 50, 100)).toBeCloseTo(0.05, 12);
    expect(learningRate('cosine', 0.1, 100, 100)).toBeCloseTo(0, 12);
    expect(learningRate('cosine', 0.1, 25, 100)).toBeCloseTo(0.05 * (1 + Math.SQRT1_2), 12);
    expect(learningRate('cosine', 0.1, 150, 100)).toBeCloseTo(0, 12);
    expect(learningRate('cosine', 0.1, -5, 100)).toBeCloseTo(0.1, 12);
    expect(learningRate('cosine', 0.1, 0, 0)).toBeCloseTo(0.1, 12);
  });

  it('cosine is non-increasing over a run; the last training step still has a positive rate', () => {
    const total = 37;
    const lrs = Array.from({ length: total }, (_, s) => learningRate('cosine', 0.2, s, total));
    for (let s = 1; s < total; s++) expect(lrs[s]).toBeLessThanOrEqual(lrs[s - 1]);
    expect(lrs[total - 1]).toBeGreaterThan(0);
  });

  it('constant ignores the step', () => {
    expect(learningRate('constant', 0.3, 0, 10)).toBe(0.3);
    expect(learningRate('constant', 0.3, 10, 10)).toBe(0.3);
  });
});
