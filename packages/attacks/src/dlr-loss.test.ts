import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apgdCheckpoints } from './apgd-checkpoints';
import { dlrLoss, targetedDlrLoss } from './dlr-loss';
import { useBackend } from './test-utils/tf-setup';

beforeAll(async () => {
  await useBackend('cpu');
});

function values(t: tf.Tensor): number[] {
  const out = Array.from(t.dataSync());
  t.dispose();
  return out;
}

describe('apgdCheckpoints', () => {
  it('for 100 iterations is [0, 22, 41, 57, 70, 80, 87, 93, 99] (the paper\'s p_j scaled by 100)', () => {
    expect(apgdCheckpoints(100)).toEqual([0, 22, 41, 57, 70, 80, 87, 93, 99]);
  });

  it('follows p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06) for N = 1000', () => {
    const p = [0, 0.22];
    while (p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 0.03, 0.06) <= 1 + 1e-9) {
      p.push(p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 0.03, 0.06));
    }
    expect(apgdCheckpoints(1000)).toEqual(p.map((v) => Math.round(v * 1000)));
  });

  it('small budgets still get checkpoints, all within nIter and increasing', () => {
    for (const n of [1, 2, 5, 10, 37]) {
      const c = apgdCheckpoints(n);
      expect(c[0]).toBe(0);
      expect(c.length).toBeGreaterThan(1);
      for (let i = 1; i < c.length; i++) {
        expect(c[i]).toBeGreaterThan(c[i - 1]);
        expect(c[i]).toBeLessThanOrEqual(n);
      }
    }
    expect(apgdCheckpoints(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => apgdCheckpoints(0)).toThrow(RangeError);
  });
});

describe('dlrLoss', () => {
  it('matches hand-computed values', () => {
    const logits = tf.tensor2d([
      [4, 1, 2, 0], // y = 0 is top: −(4 − 2)/(4 − 1) = −2/3
      [4, 1, 2, 0], // y = 2: −(2 − 4)/(4 − 1) = 2/3
      [1, 3, 3, 0], // y = 1, tie at the top: −(3 − 3)/(3 − 1) = 0
      [0, -1, 5, 2], // y = 3: −(2 − 5)/(5 − 0) = 0.6
    ]);
    const y = tf.tensor1d([0, 2, 1, 3], 'int32');
    const got = values(dlrLoss(logits, y));
    [-2 / 3, 2 / 3, 0, 0.6].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    tf.dispose([logits, y]);
  });

  it('is invariant to shifting and positive scaling of the logits', () => {
    const logits = tf.tensor2d([[0.3, -1.2, 2.5, 0.9, 0.1]]);
    const y = tf.tensor1d([3], 'int32');
    const base = values(dlrLoss(logits, y))[0];
    const moved = tf.add(tf.mul(logits, 7), 3) as tf.Tensor2D;
    expect(values(dlrLoss(moved, y))[0]).toBeCloseTo(base, 5);
    tf.dispose([logits, y, moved]);
  });

  it('has the gradient of the hand formula (y top: d/dz_y = −1/(z1 − z3))', () => {
    const y = tf.tensor1d([0], 'int32');
    const g = tf.grad((z: tf.Tensor) => tf.sum(dlrLoss(z as tf.Tensor2D, y)))(tf.tensor2d([[4, 1, 2, 0]]));
    // L = −(z0 − z2)/(z0 − z1): dL/dz0 = −1/3 + (z0 − z2)/(z0 − z1)² = −1/3 + 2/9; dL/dz1 = −(z0 − z2)/(z0 − z1)² = −2/9;
    // dL/dz2 = 1/3; dL/dz3 = 0.
    const got = values(g);
    [-1 / 3 + 2 / 9, -2 / 9, 1 / 3, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
    y.dispose();
  });

  it('needs at least 3 classes', () => {
    const logits = tf.tensor2d([[1, 2]]);
    const y = tf.tensor1d([0], 'int32');
    expect(() => dlrLoss(logits, y)).toThrow(/3 classes/);
    tf.dispose([logits, y]);
  });
});

describe('targetedDlrLoss', () => {
  it('matches hand-computed values', () => {
    const logits = tf.tensor2d([
      [5, 3, 1, 0, -1], // y 0, t 1: −(5 − 3)/(5 − (1 + 0)/2) = −2/4.5
      [5, 3, 1, 0, -1], // y 2, t 0: −(1 − 5)/4.5 = 4/4.5
      [2, 2, 2, 2, 2], // all equal: −0/(0 + 1e−12) = 0
    ]);
    const y = tf.tensor1d([0, 2, 1], 'int32');
    const t = tf.tensor1d([1, 0, 3], 'int32');
    const got = values(targetedDlrLoss(logits, y, t));
    [-2 / 4.5, 4 / 4.5, 0].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    tf.dispose([logits, y, t]);
  });

  it('needs at least 4 classes', () => {
    const logits = tf.tensor2d([[1, 2, 3]]);
    const y = tf.tensor1d([0], 'int32');
    expect(() => targetedDlrLoss(logits, y, y)).toThrow(/4 classes/);
    tf.dispose([logits, y]);
  });

  it('leaks no tensors', () => {
    const logits = tf.tensor2d([[5, 3, 1, 0, -1]]);
    const y = tf.tensor1d([0], 'int32');
    const before = tf.memory().numTensors;
    dlrLoss(logits, y).dispose();
    targetedDlrLoss(logits, y, y).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, y]);
  });
});
