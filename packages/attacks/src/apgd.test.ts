import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apgd, type ApgdOptions } from './apgd';
import { apgdTargeted } from './apgd-targeted';
import { noisyLinearModel, randomConvNet, randomImages, randomLabels, randomMlp, type TestModel } from './test-utils/models';
import { lossPerSample, maxAbsDiff, minMax } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

const SHAPE: [number, number, number] = [5, 5, 2];
const CLASSES = 5;
const N = 12;

let mlp: TestModel;
let conv: TestModel;
let x: tf.Tensor4D;
let y: tf.Tensor1D;

beforeAll(async () => {
  await useBackend('cpu');
  mlp = randomMlp(71, SHAPE, 16, CLASSES);
  conv = randomConvNet(72, SHAPE, 3, CLASSES);
  x = randomImages(73, [N, ...SHAPE]);
  y = randomLabels(74, N, CLASSES);
});

afterAll(() => {
  mlp.dispose();
  conv.dispose();
  tf.dispose([x, y]);
});

function correctMask(logitsFn: LogitsFn, input: tf.Tensor4D, labels: tf.Tensor1D): boolean[] {
  return tf.tidy(() => Array.from(tf.equal(tf.argMax(logitsFn(input), 1), tf.cast(labels, 'int32')).dataSync(), (v) => v === 1));
}

/** Records the worst ε-ball / box violation over every iterate the hook sees. */
function iterateRecorder() {
  const seen = { iterates: 0, maxDistance: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, rows: [] as number[] };
  const hook = (iterate: tf.Tensor4D, origin: tf.Tensor4D) => {
    seen.iterates++;
    seen.rows.push(iterate.shape[0]);
    seen.maxDistance = Math.max(seen.maxDistance, maxAbsDiff(iterate, origin));
    const [lo, hi] = minMax(iterate);
    seen.min = Math.min(seen.min, lo);
    seen.max = Math.max(seen.max, hi);
  };
  return { seen, hook };
}

describe('apgd', () => {
  for (const loss of ['ce', 'dlr'] as const) {
    for (const [modelName, getModel] of [['mlp', () => mlp], ['conv', () => conv]] as const) {
      it(`${loss}, ${modelName}: every iterate and the result lie in the ε-ball ∩ [0, 1]`, () => {
        const eps = 0.07;
        const { seen, hook } = iterateRecorder();
        const adv = apgd(getModel().logitsFn, x, y, { eps, nIter: 12, nRestarts: 2, loss, seed: 1, onIterate: hook });
        expect(seen.iterates).toBeGreaterThanOrEqual(13);
        expect(seen.maxDistance).toBeLessThanOrEqual(eps + 1e-6);
        expect(seen.min).toBeGreaterThanOrEqual(0);
        expect(seen.max).toBeLessThanOrEqual(1);
        expect(adv.shape).toEqual(x.shape);
        expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(eps + 1e-6);
        const [lo, hi] = minMax(adv);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        adv.dispose();
      });
    }
  }

  it('leaves misclassified points at x and lowers accuracy with a large ε', () => {
    const clean = correctMask(mlp.logitsFn, x, y);
    const adv = apgd(mlp.logitsFn, x, y, { eps: 0.3, nIter: 20, seed: 2 });
    const rowsEqual = tf.tidy(() => Array.from(tf.max(tf.abs(tf.sub(adv, x)), [1, 2, 3]).dataSync()));
    clean.forEach((correct, i) => {
      if (!correct) expect(rowsEqual[i]).toBe(0);
    });
    const after = correctMask(mlp.logitsFn, adv, y);
    expect(after.filter(Boolean).length).toBeLessThan(clean.filter(Boolean).length);
    // A point correct after the attack was correct before it.
    after.forEach((correct, i) => {
      if (correct) expect(clean[i]).toBe(true);
    });
    adv.dispose();
  });

  it('restarts attack only the points still robust', () => {
    const { seen, hook } = iterateRecorder();
    const nIter = 5;
    const clean = correctMask(conv.logitsFn, x, y).filter(Boolean).length;
    const adv = apgd(conv.logitsFn, x, y, { eps: 0.3, nIter, nRestarts: 3, seed: 3, onIterate: hook });
    const rowsPerRestart = [0, 1, 2].map((r) => seen.rows[r * (nIter + 1)]).filter((v) => v !== undefined);
    expect(rowsPerRestart[0]).toBe(clean);
    for (let r = 1; r < rowsPerRestart.length; r++) expect(rowsPerRestart[r]).toBeLessThan(rowsPerRestart[r - 1]);
    adv.dispose();
  });

  it('finds the analytic worst case of a linear model (maximum CE at a vertex of the box ∩ ball)', () => {
    // Two classes with logits z = W·x; CE of class 0 grows with (w1 − w0)·x, so the maximizer pushes every
    // pixel by ε in the direction sign(w1 − w0), clipped to [0, 1]. ε is small enough that nothing is fooled.
    const d = 5 * 5 * 2;
    const w = tf.tensor2d(Array.from({ length: d * 2 }, (_, i) => Math.sin(i * 1.7) * 0.3), [d, 2]);
    const logitsFn: LogitsFn = (input) => tf.tidy(() => tf.matMul(tf.reshape<tf.Rank.R2>(input, [input.shape[0], d]), w));
    const labels = tf.tidy(() => tf.argMax(logitsFn(x), 1) as tf.Tensor1D);
    const eps = 0.01;
    const direction = tf.tidy(() => {
      const diff = tf.sub(tf.slice(w, [0, 1], [-1, 1]), tf.slice(w, [0, 0], [-1, 1]));
      return tf.reshape(tf.sign(diff), [1, ...SHAPE]);
    });
    // The loss is linear in x per label; for label 1 the direction flips.
    const best = tf.tidy(() => {
      const sign = tf.reshape(tf.sub(tf.mul(tf.cast(labels, 'float32'), -2), -1), [-1, 1, 1, 1]);
      return tf.clipByValue(tf.add(x, tf.mul(tf.mul(sign, direction), eps)), 0, 1) as tf.Tensor4D;
    });
    const adv = apgd(logitsFn, x, labels, { eps, nIter: 30, seed: 4 });
    const optimum = lossPerSample(logitsFn, best, labels);
    const found = lossPerSample(logitsFn, adv, labels);
    // Where even the optimum does not fool the model, APGD returns its highest-loss iterate: the optimum.
    const robustAtOptimum = correctMask(logitsFn, best, labels);
    expect(robustAtOptimum.filter(Boolean).length).toBeGreaterThanOrEqual(N / 2);
    robustAtOptimum.forEach((robust, i) => {
      if (robust) expect(found[i]).toBeGreaterThanOrEqual(optimum[i] - 1e-4);
    });
    tf.dispose([w, labels, direction, best, adv]);
  });

  it('calls logitsFn eot·(nIter + 1) times per restart plus eot for the clean predictions', () => {
    const model = noisyLinearModel(75, SHAPE, CLASSES, 0.3);
    const eot = 3;
    const nIter = 4;
    const adv = apgd(model.logitsFn, x, y, { eps: 0.001, nIter, eot, seed: 5 });
    // ε is tiny, so whichever points are correct at the start stay robust through the single restart.
    expect(model.calls()).toBe(eot + eot * (nIter + 1));
    adv.dispose();
    model.dispose();
  });

  it('is deterministic for a seed; the seed picks the random start', () => {
    const options: ApgdOptions = { eps: 0.05, nIter: 6, seed: 6 };
    const a = apgd(mlp.logitsFn, x, y, options);
    const b = apgd(mlp.logitsFn, x, y, options);
    expect(maxAbsDiff(a, b)).toBe(0);
    const startOf = (seed: number) => {
      let start: tf.Tensor4D | undefined;
      const hook = (iterate: tf.Tensor4D) => {
        start ??= tf.clone(iterate);
      };
      apgd(mlp.logitsFn, x, y, { ...options, nIter: 1, seed, onIterate: hook }).dispose();
      return start!;
    };
    const [s6, s6again, s7] = [startOf(6), startOf(6), startOf(7)];
    expect(maxAbsDiff(s6, s6again)).toBe(0);
    expect(maxAbsDiff(s6, s7)).toBeGreaterThan(0.01);
    tf.dispose([a, b, s6, s6again, s7]);
  });

  it('leaks no tensors, with restarts, DLR and EOT', () => {
    const model = noisyLinearModel(76, SHAPE, CLASSES, 0.3);
    const before = tf.memory().numTensors;
    for (const options of [
      { eps: 0.1, nIter: 5, nRestarts: 2, seed: 8 },
      { eps: 0.1, nIter: 5, loss: 'dlr', eot: 2, seed: 9 },
    ] satisfies ApgdOptions[]) {
      apgd(mlp.logitsFn, x, y, options).dispose();
      expect(tf.memory().numTensors).toBe(before);
      apgd(model.logitsFn, x, y, options).dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    apgdTargeted(conv.logitsFn, x, y, { eps: 0.1, nIter: 4, nTargetClasses: 2, seed: 10 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a throwing logitsFn propagates and leaks nothing', () => {
    const before = tf.memory().numTensors;
    for (const failAt of [1, 2, 5]) {
      let calls = 0;
      const failing: LogitsFn = (input) => {
        if (++calls === failAt) throw new Error('model failed');
        return mlp.logitsFn(input);
      };
      expect(() => apgd(failing, x, y, { eps: 0.1, nIter: 5, seed: 11 })).toThrow('model failed');
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('validates options before calling the model', () => {
    let calls = 0;
    const counted: LogitsFn = (input) => {
      calls++;
      return mlp.logitsFn(input);
    };
    for (const bad of [
      { eps: -1 },
      { eps: 0.1, nIter: 0 },
      { eps: 0.1, nRestarts: 1.5 },
      { eps: 0.1, rho: 0 },
      { eps: 0.1, eot: 0 },
      { eps: 0.1, seed: 0.5 },
      { eps: 0.1, loss: 'hinge' },
    ]) {
      expect(() => apgd(counted, x, y, bad as ApgdOptions)).toThrow(RangeError);
    }
    expect(calls).toBe(0);
  });
});

describe('apgdTargeted', () => {
  it('every iterate lies in the ε-ball ∩ [0, 1]; one run per target class on the robust points', () => {
    const eps = 0.05;
    const nIter = 6;
    const { seen, hook } = iterateRecorder();
    const adv = apgdTargeted(conv.logitsFn, x, y, { eps, nIter, nTargetClasses: 3, seed: 12, onIterate: hook });
    expect(seen.maxDistance).toBeLessThanOrEqual(eps + 1e-6);
    expect(seen.min).toBeGreaterThanOrEqual(0);
    expect(seen.max).toBeLessThanOrEqual(1);
    expect(seen.iterates % (nIter + 1)).toBe(0);
    expect(seen.iterates / (nIter + 1)).toBeLessThanOrEqual(3);
    expect(maxAbsDiff(adv, x)).toBeLessThanOrEqual(eps + 1e-6);
    adv.dispose();
  });

  it('clamps the number of targets to classes − 1 and needs ≥ 4 classes', () => {
    const { seen, hook } = iterateRecorder();
    const nIter = 3;
    const adv = apgdTargeted(mlp.logitsFn, x, y, { eps: 0.001, nIter, nTargetClasses: 9, seed: 13, onIterate: hook });
    expect(seen.iterates / (nIter + 1)).toBeLessThanOrEqual(CLASSES - 1);
    adv.dispose();
    const three = randomMlp(77, SHAPE, 4, 3);
    const y3 = randomLabels(78, N, 3);
    expect(() => apgdTargeted(three.logitsFn, x, y3, { eps: 0.1, nIter: 2 })).toThrow(/4 classes/);
    three.dispose();
    y3.dispose();
  });

  it('targets the runner-up class: a model that only the 2nd class can overtake flips to it', () => {
    // z = [0.05·Σx, 1, −5, −6]: at x = 0.5, z₀ = 1.25 > z₁ = 1; lowering every pixel by 0.2 gives z₀ = 0.75.
    const d = 5 * 5 * 2;
    const wData = new Float32Array(d * 4);
    for (let i = 0; i < d; i++) wData[i * 4] = 0.05;
    const w = tf.tensor2d(wData, [d, 4]);
    const bias = tf.tensor1d([0, 1, -5, -6]);
    const logitsFn: LogitsFn = (input) =>
      tf.tidy(() => tf.add(tf.matMul(tf.reshape<tf.Rank.R2>(input, [input.shape[0], d]), w), bias));
    const xs = tf.fill([4, ...SHAPE], 0.5) as tf.Tensor4D;
    const ys = tf.zeros([4], 'int32') as tf.Tensor1D;
    const adv = apgdTargeted(logitsFn, xs, ys, { eps: 0.2, nIter: 10, nTargetClasses: 1, seed: 14 });
    const predicted = tf.tidy(() => Array.from(tf.argMax(logitsFn(adv), 1).dataSync()));
    expect(predicted).toEqual([1, 1, 1, 1]);
    tf.dispose([w, bias, xs, ys, adv]);
  });
});
