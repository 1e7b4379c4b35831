import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accuracy } from './accuracy';
import { attackAccuracy } from './attack-accuracy';
import { autoAttack, type AutoAttackOptions, type AutoAttackReport } from './autoattack';
import { autoAttackPlan } from './autoattack-plan';
import type { AutoAttackState } from './autoattack-state';
import { base64ToFloat32, float32ToBase64 } from './float32-base64';
import { pgd } from './pgd';
import { quantizedInput } from './test-utils/masked';
import { noisyLinearModel, patternDataset, trainMlp, type TestModel } from './test-utils/models';
import { maxAbsDiff } from './test-utils/tensors';
import { useBackend } from './test-utils/tf-setup';
import type { LogitsFn } from './types';

/** ε equal to the smallest pattern amplitude: enough for gradient attacks to break most points. */
const EPS = 0.1;
/** Reduced budgets keep the file fast; the attack logic is the same as at the defaults. */
const FAST: AutoAttackOptions = { eps: EPS, nIter: 20, nQueries: 300, batchSize: 16, seed: 5 };

let model: TestModel;
let test: { x: tf.Tensor4D; y: tf.Tensor1D };
let standard: { xAdv: tf.Tensor4D; report: AutoAttackReport };
let states: AutoAttackState[];

function robustFlags(logitsFn: LogitsFn, input: tf.Tensor4D, labels: tf.Tensor1D): boolean[] {
  return tf.tidy(() => Array.from(tf.equal(tf.argMax(logitsFn(input), 1), labels).dataSync(), (v) => v === 1));
}

beforeAll(async () => {
  await useBackend('cpu');
  const train = patternDataset(1, 400);
  test = patternDataset(2, 40);
  model = trainMlp(train.x, train.y, { seed: 3, epochs: 20, batchSize: 32, learningRate: 0.1, hidden: 64 });
  tf.dispose([train.x, train.y]);
  states = [];
  standard = await autoAttack(model.logitsFn, test.x, test.y, {
    ...FAST,
    onAttackDone: (state) => {
      // Through JSON, as a caller writing checkpoints would.
      states.push(JSON.parse(JSON.stringify(state)) as AutoAttackState);
    },
  });
});

afterAll(() => {
  model.dispose();
  tf.dispose([test.x, test.y, standard.xAdv]);
});

describe('autoAttack standard on a trained deterministic model', () => {
  it('runs APGD-CE → APGD-T → FAB-T → Square and reports clean accuracy like `accuracy`', async () => {
    const { report } = standard;
    expect(report.attacks).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    expect(report.log.map((e) => e.attack)).toEqual(report.attacks);
    expect(report.cleanAccuracy).toBe(await accuracy(model.logitsFn, test.x, test.y, { batchSize: 100 }));
    expect(report.cleanAccuracy).toBeGreaterThan(90);
    console.info(`AutoAttack: ${report.robustAccuracyAfter.map((s) => `${s.stage} ${s.robustAccuracy}%`).join(' → ')}`);
  });

  it('attackAll attacks every point, and robust accuracy still requires the clean verdict', async () => {
    // A flipped label makes a point wrong on the clean pass: attackAll must still attack it.
    const labels = Array.from(test.y.dataSync());
    labels[0] = (labels[0] + 1) % 4;
    const y = tf.tensor1d(labels, 'int32');
    try {
      const plain = await autoAttack(model.logitsFn, test.x, y, { ...FAST, attacks: ['apgd-ce'], version: 'custom' });
      const all = await autoAttack(model.logitsFn, test.x, y, { ...FAST, attacks: ['apgd-ce'], version: 'custom', attackAll: true });
      tf.dispose([plain.xAdv, all.xAdv]);
      const n = test.x.shape[0];
      expect(all.report.log[0].attacked).toBe(n);
      expect(plain.report.log[0].attacked).toBe(plain.report.cleanCorrect.filter(Boolean).length);
      expect(all.report.cleanCorrect[0]).toBe(false);
      expect(all.report.robustAccuracy).toBeLessThanOrEqual(all.report.cleanAccuracy);
      // A deterministic model: same robust accuracy either way.
      expect(all.report.robustAccuracy).toBe(plain.report.robustAccuracy);
    } finally {
      y.dispose();
    }
  });

  it('robust counts never increase; each attack sees exactly the points still robust', () => {
    const { report } = standard;
    let robust = report.cleanCorrect.filter(Boolean).length;
    for (const entry of report.log) {
      expect(entry.attacked).toBe(robust);
      expect(entry.robustAfter).toBe(robust - entry.broken);
      expect(entry.robustAfter).toBeLessThanOrEqual(robust);
      expect(entry.robustAccuracy).toBeCloseTo((100 * entry.robustAfter) / report.n, 10);
      expect(entry.seconds).toBeGreaterThanOrEqual(0);
      robust = entry.robustAfter;
    }
    const stages = report.robustAccuracyAfter.map((s) => s.robustAccuracy);
    for (let i = 1; i < stages.length; i++) expect(stages[i]).toBeLessThanOrEqual(stages[i - 1]);
    expect(report.robustAccuracy).toBe(stages[stages.length - 1]);
    expect(report.robust.filter(Boolean).length).toBe(robust);
  });

  it('x_adv: within ε and [0, 1]; broken points misclassified, robust points untouched and correct', () => {
    const { xAdv, report } = standard;
    expect(maxAbsDiff(xAdv, test.x)).toBeLessThanOrEqual(EPS + 1e-6);
    const correct = robustFlags(model.logitsFn, xAdv, test.y);
    const moved = tf.tidy(() => Array.from(tf.max(tf.abs(tf.sub(xAdv, test.x)), [1, 2, 3]).dataSync()));
    report.robust.forEach((robust, i) => {
      expect(correct[i]).toBe(robust);
      if (robust || !report.cleanCorrect[i]) expect(moved[i]).toBe(0);
    });
    expect(report.checks.find((c) => c.name === 'perturbation-bound')?.passed).toBe(true);
  });

  it('is at least as strong as PGD-10 on the same points', async () => {
    const pgdResult = await attackAccuracy(
      (f, xb, yb) => pgd(f, xb, yb, { eps: EPS, steps: 10, stepSize: (2.5 * EPS) / 10, seed: 7 }),
      model.logitsFn,
      test.x,
      test.y,
      { batchSize: 100 },
    );
    expect(standard.report.robustAccuracy).toBeLessThanOrEqual(pgdResult.ra);
    expect(standard.report.robustAccuracy).toBeLessThan(standard.report.cleanAccuracy);
  });

  it('passes the sanity checks: deterministic, logits, non-zero gradients, target classes clamped to 3', () => {
    const byName = Object.fromEntries(standard.report.checks.map((c) => [c.name, c]));
    expect(byName.randomized.passed).toBe(true);
    expect(standard.report.randomized).toBe(false);
    expect(byName['logits-not-probabilities'].passed).toBe(true);
    expect(byName['zero-gradients'].passed).toBe(true);
    expect(byName['target-classes'].figures).toEqual({ requested: 9, used: 3, classes: 4 });
    expect(byName['robust-monotone'].passed).toBe(true);
    expect(JSON.parse(JSON.stringify(standard.report))).toEqual(standard.report);
  });

  it('calls onAttackDone after every attack; resuming from any saved state gives the same result', async () => {
    expect(states.map((s) => s.nextAttack)).toEqual([1, 2, 3, 4]);
    for (const state of [states[1], states[2]]) {
      const seen: number[] = [];
      const resumed = await autoAttack(model.logitsFn, test.x, test.y, {
        ...FAST,
        state,
        onAttackDone: (s) => {
          seen.push(s.nextAttack);
        },
      });
      expect(seen).toEqual(Array.from({ length: 4 - state.nextAttack }, (_, k) => state.nextAttack + k + 1));
      expect(resumed.report.resumedAt).toBe(state.nextAttack);
      expect(resumed.report.robust).toEqual(standard.report.robust);
      expect(resumed.report.log).toHaveLength(4);
      expect(maxAbsDiff(resumed.xAdv, standard.xAdv)).toBe(0);
      resumed.xAdv.dispose();
    }
  });

  it('rejects a state from a different evaluation', async () => {
    await expect(autoAttack(model.logitsFn, test.x, test.y, { ...FAST, eps: 0.2, state: states[0] })).rejects.toThrow(/eps/);
    await expect(autoAttack(model.logitsFn, test.x, test.y, { ...FAST, version: 'plus', state: states[0] })).rejects.toThrow(/attacks/);
  });

  it('is deterministic for a seed and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const options: AutoAttackOptions = { eps: EPS, version: 'custom', attacks: ['apgd-ce', 'square'], nIter: 5, nQueries: 40, seed: 9 };
    const a = await autoAttack(model.logitsFn, test.x, test.y, options);
    const b = await autoAttack(model.logitsFn, test.x, test.y, options);
    expect(maxAbsDiff(a.xAdv, b.xAdv)).toBe(0);
    expect(a.report.robust).toEqual(b.report.robust);
    tf.dispose([a.xAdv, b.xAdv]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('autoAttack on a gradient-masked model', () => {
  it('gradient attacks fail, Square breaks it, and the checks flag zero gradients and Square success', async () => {
    const masked = quantizedInput(model.logitsFn, 8);
    const pgdResult = await attackAccuracy(
      (f, xb, yb) => pgd(f, xb, yb, { eps: EPS, steps: 10, stepSize: 0.025, seed: 8 }),
      masked,
      test.x,
      test.y,
      { batchSize: 100 },
    );
    const { xAdv, report } = await autoAttack(masked, test.x, test.y, FAST);
    xAdv.dispose();
    const after = Object.fromEntries(report.log.map((e) => [e.attack, e]));
    expect(pgdResult.ra).toBe(pgdResult.ca);
    expect(after['apgd-ce'].broken).toBe(0);
    expect(after.square.broken).toBeGreaterThan(report.n / 5);
    expect(report.robustAccuracy).toBeLessThan(pgdResult.ra - 20);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['zero-gradients'].passed).toBe(false);
    expect(byName['square-success'].passed).toBe(false);
    expect(byName['square-success'].message).toMatch(/masked/);
  });
});

describe('autoAttack versions and checks', () => {
  it('plans the reference versions', () => {
    expect(autoAttackPlan('standard', EPS)).toMatchObject({ attacks: ['apgd-ce', 'apgd-t', 'fab-t', 'square'], apgdRestarts: 1, eot: 1, nIter: 100, nQueries: 5000, nTargetClasses: 9 });
    expect(autoAttackPlan('plus', EPS)).toMatchObject({ attacks: ['apgd-ce', 'apgd-dlr', 'fab', 'square', 'apgd-t', 'fab-t'], apgdRestarts: 5, fabRestarts: 5 });
    expect(autoAttackPlan('rand', EPS)).toMatchObject({ attacks: ['apgd-ce', 'apgd-dlr'], apgdRestarts: 1, eot: 20 });
    expect(autoAttackPlan('custom', EPS, { attacks: ['square'], nQueries: 10 })).toMatchObject({ attacks: ['square'], nQueries: 10 });
    expect(() => autoAttackPlan('custom', EPS)).toThrow(/attacks/);
    expect(() => autoAttackPlan('standard', EPS, { attacks: ['square'] })).toThrow(/custom/);
  });

  it("flags a randomized model under 'standard' and recommends 'rand'; 'rand' runs APGD with EOT", async () => {
    const noisy = noisyLinearModel(31, [8, 8, 1], 4, 0.02);
    // Labels the model mostly agrees with, so that APGD has robust points to attack.
    const labels = tf.tidy(() => tf.argMax(noisy.logitsFn(test.x), 1)) as tf.Tensor1D;
    const custom = await autoAttack(noisy.logitsFn, test.x, labels, { ...FAST, version: 'custom', attacks: ['apgd-ce'], nIter: 2 });
    tf.dispose([custom.xAdv, ...(custom.candidates ?? []).map((c) => c.xAdv)]);
    const check = custom.report.checks.find((c) => c.name === 'randomized')!;
    expect(custom.report.randomized).toBe(true);
    expect(check.passed).toBe(false);
    expect(check.message).toMatch(/'rand'/);
    const before = noisy.calls();
    const nIter = 2;
    const eot = 3;
    const rand = await autoAttack(noisy.logitsFn, test.x, labels, { ...FAST, batchSize: 100, version: 'rand', nIter, eot });
    tf.dispose([rand.xAdv, ...(rand.candidates ?? []).map((c) => c.xAdv)]);
    expect(rand.report.checks.find((c) => c.name === 'randomized')!.passed).toBe(true);
    expect(rand.report.log.map((e) => e.attack)).toEqual(['apgd-ce', 'apgd-dlr']);
    expect(rand.report.log[0].attacked).toBeGreaterThan(0);
    // Checks (2 calls + 1 gradient), the clean pass (1), then APGD-CE: eot clean calls + eot per iterate.
    expect(noisy.calls() - before).toBeGreaterThanOrEqual(4 + eot + eot * (nIter + 1));
    labels.dispose();
    noisy.dispose();
  });

  it('flags probabilities passed as logits', async () => {
    const softmaxed: LogitsFn = (input) => tf.tidy(() => tf.softmax(model.logitsFn(input)));
    const { xAdv, report } = await autoAttack(softmaxed, test.x, test.y, { ...FAST, version: 'custom', attacks: ['apgd-ce'], nIter: 2 });
    xAdv.dispose();
    expect(report.checks.find((c) => c.name === 'logits-not-probabilities')!.passed).toBe(false);
  });

  it('rejects images outside [0, 1], too few classes and bad options', async () => {
    const shifted = tf.add(test.x, 0.5) as tf.Tensor4D;
    await expect(autoAttack(model.logitsFn, shifted, test.y, FAST)).rejects.toThrow(/\[0, 1\]/);
    shifted.dispose();
    const three: LogitsFn = (input) => tf.tidy(() => tf.slice(model.logitsFn(input), [0, 0], [-1, 3]));
    const y3 = tf.tidy(() => tf.clipByValue(test.y, 0, 2)) as tf.Tensor1D;
    await expect(autoAttack(three, test.x, y3, FAST)).rejects.toThrow(/4 classes/);
    y3.dispose();
    await expect(autoAttack(model.logitsFn, test.x, test.y, { ...FAST, batchSize: 0 })).rejects.toThrow(RangeError);
    await expect(autoAttack(model.logitsFn, test.x, test.y, { ...FAST, version: 'fast' as 'standard' })).rejects.toThrow(/version/);
  });

  it('float32 base64 round-trips exactly', () => {
    for (const values of [[], [0.1], [1, -2.5, Math.PI], Array.from({ length: 17 }, (_, i) => i / 7 - 1)]) {
      const exact = Float32Array.from(values);
      expect(Array.from(base64ToFloat32(float32ToBase64(exact)))).toEqual(Array.from(exact));
    }
    expect(float32ToBase64([1])).toBe('AACAPw==');
    expect(() => base64ToFloat32('abc')).toThrow(RangeError);
  });
});
