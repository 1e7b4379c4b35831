import { describe, expect, it } from 'vitest';
import { runEval } from '../commands/evaluate';
import { flagOf } from './option-schema';
import { runTrain, type TrainOptions } from '../commands/train';

// Options are checked before any backend, data or file is touched, so these run in milliseconds.
describe('runTrain and runEval options: the flag, what was expected, what was given', () => {
  const train = (o: Record<string, unknown>) => runTrain({ preset: 'fmnist-quick', out: '/nonexistent/x', ...o } as TrainOptions);

  it('runTrain', async () => {
    await expect(train({ epochs: -1 })).rejects.toThrow('--epochs: expected a positive integer, got -1');
    await expect(train({ seed: 1.5 })).rejects.toThrow('--seed: expected an integer, got 1.5');
    await expect(train({ lambda: 2 })).rejects.toThrow('--lambda: expected a number in [0, 1], got 2');
    await expect(train({ trainLimit: '10' })).rejects.toThrow('--limit: expected a positive integer, got "10"');
    await expect(train({ verify: 'no' })).rejects.toThrow('--no-verify: expected true or false, got "no"');
    await expect(train({ onDivergence: 'ignore' })).rejects.toThrow('--on-divergence: expected "stop" or "rollback", got "ignore"');
    await expect(train({ out: undefined })).rejects.toThrow('--out: expected a directory path, got nothing (the field is missing)');
    await expect(runTrain(null as unknown as TrainOptions)).rejects.toThrow('runTrain: expected an options object, got null');
  });

  it('runEval', async () => {
    await expect(runEval('/nonexistent', { lambdas: [0.5, 3] })).rejects.toThrow('--lambdas[1]: expected a number in [0, 1], got 3');
    await expect(runEval('/nonexistent', { lambdaThs: [1] })).rejects.toThrow('--lambda-th[0]: expected a number in [0, 1), got 1');
    await expect(runEval('/nonexistent', { draws: 0 })).rejects.toThrow('--draws: expected an integer ≥ 1, got 0');
    await expect(runEval('/nonexistent', { aaIter: Number.POSITIVE_INFINITY })).rejects.toThrow('--aa-iter: expected a positive integer, got Infinity (beyond float64 range)');
    await expect(runEval('/nonexistent', { limit: 10 })).rejects.toThrow('/nonexistent/recipe.json: not found');
  });

  it('maps option names to their flags', () => {
    expect(['trainLimit', 'batchSize', 'onDivergence', 'lambdaThs', 'dataDir', 'verify'].map(flagOf)).toEqual(['--limit', '--batch-size', '--on-divergence', '--lambda-th', '--data-dir', '--no-verify']);
  });
});
