import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import '../gradients';
import { useStockBackend } from '../testing';
import { condition } from '../condition';
import type { ForwardContext } from '../plugin';
import { Rng } from '@floatjs/random';
import { Dropout } from './dropout';

const train = (seed: number): ForwardContext => ({ cond: condition({ training: true }), rng: new Rng(seed) });

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('Dropout', () => {
  it('is the identity (the same tensor) in inference, and at rate 0 in training', () => {
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 3);
    expect(new Dropout('d', 0.3).apply(x, { cond: condition(), rng: new Rng(1) })).toBe(x);
    expect(new Dropout('d', 0).apply(x, train(1))).toBe(x);
    x.dispose();
  });

  it('zeroes a fraction ≈ rate in training and scales the rest by exactly 1/(1 − rate)', () => {
    const n = 200_000;
    for (const rate of [0.3, 0.5]) {
      const x = tf.ones([n]);
      const y = new Dropout('d', rate).apply(x, train(11));
      const v = y.dataSync() as Float32Array;
      const scale = Math.fround(1 / (1 - rate));
      let zeros = 0;
      let wrongScale = 0;
      for (const t of v) {
        if (t === 0) zeros++;
        else if (t !== scale) wrongScale++;
      }
      expect(wrongScale).toBe(0);
      // Binomial(n, rate): 5 standard deviations is ≈ 0.5% of n here.
      expect(Math.abs(zeros / n - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / n));
      // Inverted dropout keeps the expectation: mean ≈ 1.
      expect(Math.abs(v.reduce((s, t) => s + t, 0) / n - 1)).toBeLessThan(0.01);
      tf.dispose([x, y]);
    }
  });

  it('draws its mask from the forward generator: same seed, same mask; next draw or other seed, another', () => {
    const x = tf.ones([1000]);
    const d = new Dropout('d', 0.3);
    const mask = (ctx: ForwardContext) => tf.tidy(() => Array.from(d.apply(x, ctx).dataSync()));
    const a = train(5);
    const first = mask(a);
    expect(mask(train(5))).toEqual(first);
    expect(mask(a)).not.toEqual(first);
    expect(mask(train(6))).not.toEqual(first);
    x.dispose();
  });

  it('passes the gradient through kept elements only, times 1/(1 − rate)', () => {
    const rate = 0.4;
    const x = tf.randomUniform([3, 5, 5, 2], 0.5, 1.5, 'float32', 7) as tf.Tensor4D;
    const w = tf.randomNormal([3, 5, 5, 2], 0, 1, 'float32', 8);
    const d = new Dropout('d', rate);
    // The same seed gives the same mask, so the forward values reveal which elements the gradient keeps.
    const kept = tf.tidy(() => tf.div(d.apply(x, train(9)), x).dataSync() as Float32Array);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(d.apply(t, train(9)), w)))(x);
    const gv = g.dataSync();
    const wv = w.dataSync();
    const scale = 1 / (1 - rate);
    let keptCount = 0;
    for (let i = 0; i < gv.length; i++) {
      const on = kept[i] !== 0;
      if (on) keptCount++;
      expect(kept[i]).toBeCloseTo(on ? scale : 0, 5);
      expect(gv[i]).toBeCloseTo(on ? wv[i] * scale : 0, 5);
    }
    expect(keptCount).toBeGreaterThan(0);
    expect(keptCount).toBeLessThan(gv.length);
    tf.dispose([x, w, g]);
  });

  it('leaks no tensors', () => {
    const x = tf.ones([4, 8]);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => new Dropout('d', 0.5).apply(x, train(2)));
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, y]);
  });

  it('rejects rates outside [0, 1), naming the layer', () => {
    for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => new Dropout('layer1.0.dropout', bad)).toThrow(/dropout layer1\.0\.dropout: rate must be in \[0, 1\)/);
    }
  });
});
