import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obfuscatedGradientsChecklist, type ChecklistOptions, type ChecklistReport } from './checklist';
import { quantizedInput } from './test-utils/masked';
import { noisyLinearModel, patternDataset, trainMlp, type TestModel } from './test-utils/models';
import { useBackend } from './test-utils/tf-setup';

const OPTIONS: ChecklistOptions = { eps: 0.1, steps: 10, seed: 1, batchSize: 64, stepsGrid: [1, 2, 5, 10, 20] };

let model: TestModel;
let source: TestModel;
let test: { x: tf.Tensor4D; y: tf.Tensor1D };
let honest: ChecklistReport;
let masked: ChecklistReport;

const byId = (report: ChecklistReport) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

beforeAll(async () => {
  await useBackend('cpu');
  const train = patternDataset(1, 400);
  test = patternDataset(2, 40);
  model = trainMlp(train.x, train.y, { seed: 3, epochs: 20, batchSize: 32, learningRate: 0.1, hidden: 64 });
  // An independently trained model as the black-box source.
  source = trainMlp(train.x, train.y, { seed: 4, epochs: 20, batchSize: 32, learningRate: 0.1, hidden: 64 });
  tf.dispose([train.x, train.y]);
  honest = await obfuscatedGradientsChecklist(model.logitsFn, test.x, test.y, { ...OPTIONS, sourceLogitsFn: source.logitsFn });
  masked = await obfuscatedGradientsChecklist(quantizedInput(model.logitsFn, 8), test.x, test.y, {
    ...OPTIONS,
    sourceLogitsFn: source.logitsFn,
  });
});

afterAll(() => {
  model.dispose();
  source.dispose();
  tf.dispose([test.x, test.y]);
});

describe('obfuscatedGradientsChecklist', () => {
  it('a model with honest gradients passes every check', () => {
    console.info(`honest: ${honest.checks.map((c) => `${c.id} ${c.passed}`).join(', ')}; RA(ε) ${honest.curves.eps.map((p) => p.robustAccuracy).join(' ')}`);
    expect(honest.checks.map((c) => c.id)).toEqual(['i', 'ii', 'iii', 'iv', 'v', 'vi']);
    for (const check of honest.checks) expect(check.passed, check.name).toBe(true);
    expect(honest.passed).toBe(true);
    expect(honest.pgdRobustAccuracy).toBeLessThan(honest.cleanAccuracy - 30);
  });

  it('a gradient-masked model (quantized input, zero gradients) fails the transfer and unbounded checks', () => {
    const checks = byId(masked);
    console.info(`masked: ${masked.checks.map((c) => `${c.id} ${c.passed}`).join(', ')}; RA(ε) ${masked.curves.eps.map((p) => p.robustAccuracy).join(' ')}`);
    expect(masked.pgdRobustAccuracy).toBe(masked.cleanAccuracy);
    expect(checks.ii.passed).toBe(false);
    expect(checks.ii.figures.transferRa).toBeLessThan(checks.ii.figures.pgdRa);
    expect(checks.iv.passed).toBe(false);
    expect(checks.iv.figures.robustAccuracy).toBeGreaterThan(10);
    expect(masked.passed).toBe(false);
  });

  it('returns curves over the sorted ε grid (ending at 1) and the step grid, consistent with the figures', () => {
    for (const report of [honest, masked]) {
      const eps = report.curves.eps.map((p) => p.eps);
      expect(eps).toEqual([0.05, 0.1, 0.2, 0.4, 0.5, 0.8, 1]);
      expect(report.curves.steps.map((p) => p.steps)).toEqual([1, 2, 5, 10, 20]);
      // Common random numbers: the curves' point at (ε, K = steps) is the reference PGD run itself.
      expect(report.curves.eps.find((p) => p.eps === 0.1)!.robustAccuracy).toBe(report.pgdRobustAccuracy);
      expect(report.curves.steps.find((p) => p.steps === 10)!.robustAccuracy).toBe(report.pgdRobustAccuracy);
      for (const p of [...report.curves.eps, ...report.curves.steps]) {
        expect(p.robustAccuracy).toBeGreaterThanOrEqual(0);
        expect(p.robustAccuracy).toBeLessThanOrEqual(report.cleanAccuracy);
      }
      expect(byId(report).iv.figures.robustAccuracy).toBe(report.curves.eps[report.curves.eps.length - 1].robustAccuracy);
    }
    expect(JSON.parse(JSON.stringify(honest))).toEqual(honest);
  });

  it('skips the transfer check without a source model; runs with EOT on a randomized model; leaks nothing', async () => {
    const noisy = noisyLinearModel(5, [8, 8, 1], 4, 0.05);
    const before = tf.memory().numTensors;
    const report = await obfuscatedGradientsChecklist(noisy.logitsFn, test.x, test.y, {
      eps: 0.1,
      steps: 2,
      eot: 2,
      epsGrid: [0.1, 1],
      stepsGrid: [1, 2],
      randomSamples: 2,
    });
    expect(tf.memory().numTensors).toBe(before);
    const ii = byId(report).ii;
    expect(ii.passed).toBeNull();
    expect(ii.note).toMatch(/sourceLogitsFn/);
    // 1 clean + 2·2 attack + 1 verdict calls per PGD-2 evaluation with EOT 2, so well over 20 in total.
    expect(noisy.calls()).toBeGreaterThan(20);
    noisy.dispose();
  });

  it('validates options', async () => {
    await expect(obfuscatedGradientsChecklist(model.logitsFn, test.x, test.y, { eps: -1 })).rejects.toThrow(RangeError);
    await expect(obfuscatedGradientsChecklist(model.logitsFn, test.x, test.y, { eps: 0.1, stepsGrid: [0] })).rejects.toThrow(/stepsGrid/);
    await expect(obfuscatedGradientsChecklist(model.logitsFn, test.x, test.y, { eps: 0.1, tolerance: -1 })).rejects.toThrow(/tolerance/);
  });
});
