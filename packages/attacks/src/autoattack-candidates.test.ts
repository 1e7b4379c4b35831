import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apgd } from './apgd';
import { autoAttack, type AutoAttackOptions, type AutoAttackResult } from './autoattack';
import type { AutoAttackState } from './autoattack-state';
import { redrawnAccuracy } from './redrawn-accuracy';
import { patternDataset, trainMlp, type TestModel } from './test-utils/models';
import { maxAbsDiff } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

/** Small enough that some points survive, so that "attacked but not broken" is exercised. */
const EPS = 0.04;
const RAND: AutoAttackOptions = { eps: EPS, version: 'rand', nIter: 8, eot: 3, batchSize: 16, seed: 11, attackAll: true };

let model: TestModel;
let test: { x: tf.Tensor4D; y: tf.Tensor1D };

/** The trained MLP with fresh logit noise N(0, σ²) on every call (seeded by a call counter): a randomized model. */
function noisy(logitsFn: LogitsFn, sigma: number, seed: number): LogitsFn {
  let calls = 0;
  return (x) => tf.tidy(() => tf.add(logitsFn(x), tf.randomNormal([x.shape[0], 4], 0, sigma, 'float32', seed * 7919 + calls++)));
}

function rowDistances(a: tf.Tensor4D, b: tf.Tensor4D): number[] {
  return tf.tidy(() => Array.from(tf.max(tf.abs(tf.sub(a, b)), [1, 2, 3]).dataSync()));
}

function disposeResult(r: AutoAttackResult): void {
  tf.dispose([r.xAdv, ...(r.candidates ?? []).map((c) => c.xAdv)]);
}

beforeAll(async () => {
  await useBackend('cpu');
  const train = patternDataset(1, 400);
  test = patternDataset(2, 40);
  model = trainMlp(train.x, train.y, { seed: 3, epochs: 20, batchSize: 32, learningRate: 0.1, hidden: 64 });
  tf.dispose([train.x, train.y]);
});

afterAll(() => {
  model.dispose();
  tf.dispose([test.x, test.y]);
});

describe('autoAttack with kept candidates (randomized models)', () => {
  it("keeps every attack's candidate for every attacked point, and never x for an attacked point", async () => {
    const f = noisy(model.logitsFn, 1, 1);
    const result = await autoAttack(f, test.x, test.y, RAND);
    try {
      const { report, candidates, xAdv } = result;
      expect(report.randomized).toBe(true);
      expect(report.keptCandidates).toBe(true);
      expect(candidates?.map((c) => c.attack)).toEqual(['apgd-ce', 'apgd-dlr']);
      const n = test.x.shape[0];
      // Every attack attacks every point: one fresh forward that fooled a point does not settle it.
      expect(report.log.map((e) => e.attacked)).toEqual([n, n]);
      const unbroken = report.robust.flatMap((r, i) => (r ? [i] : []));
      expect(unbroken.length).toBeGreaterThan(0);
      expect(unbroken.length).toBeLessThan(n);
      for (const c of candidates!) {
        const moved = rowDistances(c.xAdv, test.x);
        expect(Math.max(...moved)).toBeLessThanOrEqual(EPS + 1e-6);
        for (const d of moved) expect(d).toBeGreaterThan(0);
      }
      const moved = rowDistances(xAdv, test.x);
      for (const d of moved) expect(d).toBeGreaterThan(0);
      // An unbroken point's xAdv row is one of its candidates (the highest expected loss), never x.
      const fromCandidates = candidates!.map((c) => rowDistances(xAdv, c.xAdv));
      for (const i of unbroken) expect(Math.min(...fromCandidates.map((d) => d[i]))).toBe(0);
    } finally {
      disposeResult(result);
    }
  });

  it('the re-drawn verdict on the kept candidates is no kinder than judging unbroken points on x', async () => {
    const kept = await autoAttack(noisy(model.logitsFn, 1, 2), test.x, test.y, RAND);
    const old = await autoAttack(noisy(model.logitsFn, 1, 2), test.x, test.y, { ...RAND, keepCandidates: false });
    try {
      expect(old.candidates).toBeUndefined();
      // Without kept candidates the unbroken points are x itself (the old behaviour).
      old.report.robust.forEach((r, i) => r && expect(rowDistances(old.xAdv, test.x)[i]).toBe(0));
      const f = noisy(model.logitsFn, 1, 3);
      const draws = { draws: 10, batchSize: 40 };
      const honest = await redrawnAccuracy(f, test.x, test.y, [kept.candidates!.map((c) => c.xAdv)], draws);
      const onClean = await redrawnAccuracy(f, test.x, test.y, [[old.xAdv]], draws);
      console.info(`re-drawn RA: kept candidates ${honest.robust[0].mean.toFixed(1)} %, unbroken judged on x ${onClean.robust[0].mean.toFixed(1)} %`);
      expect(honest.robust[0].mean).toBeLessThan(onClean.robust[0].mean);
    } finally {
      disposeResult(kept);
      disposeResult(old);
    }
  });

  it('resumes from a saved state with the same candidates, and refuses a state of the other kind', async () => {
    const states: AutoAttackState[] = [];
    const full = await autoAttack(noisy(model.logitsFn, 1, 4), test.x, test.y, {
      ...RAND,
      onAttackDone: (s) => {
        states.push(JSON.parse(JSON.stringify(s)) as AutoAttackState);
      },
    });
    try {
      expect(states.map((s) => s.candidates?.length)).toEqual([1, 2]);
      // The candidates come back from the state exactly (the model's noise stream differs between runs, so
      // only what the state holds can be compared).
      const done = await autoAttack(noisy(model.logitsFn, 1, 4), test.x, test.y, { ...RAND, state: states[1] });
      try {
        expect(done.report.resumedAt).toBe(2);
        expect(done.report.robust).toEqual(full.report.robust);
        done.candidates!.forEach((c, a) => expect(maxAbsDiff(c.xAdv, full.candidates![a].xAdv)).toBe(0));
      } finally {
        disposeResult(done);
      }
      const resumed = await autoAttack(noisy(model.logitsFn, 1, 5), test.x, test.y, { ...RAND, state: states[0] });
      try {
        expect(resumed.report.resumedAt).toBe(1);
        expect(maxAbsDiff(resumed.candidates![0].xAdv, full.candidates![0].xAdv)).toBe(0);
        expect(resumed.candidates).toHaveLength(2);
      } finally {
        disposeResult(resumed);
      }
      await expect(autoAttack(noisy(model.logitsFn, 1, 4), test.x, test.y, { ...RAND, keepCandidates: false, state: states[0] })).rejects.toThrow(/keeps none/);
      const bare = { ...states[0], candidates: undefined };
      await expect(autoAttack(noisy(model.logitsFn, 1, 4), test.x, test.y, { ...RAND, state: bare })).rejects.toThrow(/no kept candidates/);
      const short = { ...states[1], candidates: states[1].candidates!.slice(0, 1) };
      await expect(autoAttack(noisy(model.logitsFn, 1, 4), test.x, test.y, { ...RAND, state: short })).rejects.toThrow(/2 \(nextAttack\)/);
    } finally {
      disposeResult(full);
    }
  });

  it('deterministic models keep no candidates by default; kept candidates leak no tensors', async () => {
    const det = await autoAttack(model.logitsFn, test.x, test.y, { ...RAND, version: 'custom', attacks: ['apgd-ce'], eot: 1, attackAll: false });
    expect(det.report.keptCandidates).toBe(false);
    expect(det.candidates).toBeUndefined();
    disposeResult(det);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      disposeResult(await autoAttack(noisy(model.logitsFn, 1, 6), test.x, test.y, { ...RAND, nIter: 2 }));
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('apgd attackMisclassified', () => {
  it('attacks a point misclassified at x instead of returning x', () => {
    const labels = Array.from(test.y.dataSync());
    labels[0] = (labels[0] + 1) % 4;
    const y = tf.tensor1d(labels, 'int32');
    const options = { eps: EPS, nIter: 3, seed: 2 };
    const plain = apgd(model.logitsFn, test.x, y, options);
    const all = apgd(model.logitsFn, test.x, y, { ...options, attackMisclassified: true });
    expect(rowDistances(plain, test.x)[0]).toBe(0);
    expect(rowDistances(all, test.x)[0]).toBeGreaterThan(0);
    expect(maxAbsDiff(all, test.x)).toBeLessThanOrEqual(EPS + 1e-6);
    tf.dispose([y, plain, all]);
  });
});
