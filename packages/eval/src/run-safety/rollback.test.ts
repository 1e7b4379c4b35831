import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { standardLossMix, type Plugin } from '@floatjs/engine';
import { decodeSafetensors } from '@floatjs/checkpoint';
import { afterAll, describe, expect, it } from 'vitest';
import { registerMethod } from '../recipes/methods';
import { getPreset, registerPreset } from '../recipes/presets';
import { loadRecipe } from '../recipes/recipe';
import { runTrain, type TrainOptions } from '../commands/train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { captureProgress } from '../test-utils/capture-progress';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// 64 images in batches of 32: steps 0-1 are epoch 1, 2-3 epoch 2, 4-5 epoch 3.
const LR = 0.05;
const base = getPreset('fmnist-quick');
registerPreset({ ...base, name: 'rollback-test', trainLimit: 64, batchSize: 32, epochs: 3, lr: LR, schedule: 'cosine' });

/** How many more times the corrupting plugin fires; set by each test. */
const shots = { left: 0, atStep: 2 };

/**
 * Clean training plus a plugin that overwrites the classifier kernel with NaN after step `shots.atStep`, so
 * the next step's loss is NaN: a divergence at a known step, after epoch 1's checkpoint. The shot count lives
 * outside the plugin, so the model rebuilt by a rollback does not fire again unless the test says so.
 */
const corrupting = (): Plugin => ({
  name: 'test-corrupt',
  maskUpdate: {
    afterStep: ({ model, step }) => {
      if (step !== shots.atStep || shots.left <= 0) return;
      shots.left--;
      const kernels = [...model.variables].filter(([n]) => n.endsWith('.kernel'));
      const v = kernels.at(-1)![1];
      tf.tidy(() => v.assign(tf.fill(v.shape, Number.NaN)));
    },
  },
});
registerMethod({ name: 'corrupt-test', description: 'standard + NaN injection (test only)', adversarial: false, plugins: () => [standardLossMix(), corrupting()], settings: () => [] });

const options = (out: string, more: Partial<TrainOptions> = {}): TrainOptions => ({
  preset: 'rollback-test', method: 'corrupt-test', out: join(dataDir, out), dataDir, verify: false, seed: 3, ...more,
});


const logOf = (out: string) => readFileSync(join(dataDir, out, 'train-log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const state = (out: string) => JSON.parse(readFileSync(join(dataDir, out, 'trainer-state.json'), 'utf8'));
const cosine = (lr: number, step: number, total: number) => 0.5 * lr * (1 + Math.cos((Math.PI * step) / total));

function allWeightsFinite(out: string): boolean {
  const path = join(dataDir, out, 'model.safetensors');
  const { tensors } = decodeSafetensors(readFileSync(path), path);
  return [...tensors.values()].every((t) => t.data.every(Number.isFinite));
}

describe('divergence rollback', () => {
  it('stop (the default): throws at the step, keeps the epoch-1 checkpoint and points to it', async () => {
    Object.assign(shots, { left: 1, atStep: 2 });
    await expect(runTrain(options('stop', { quiet: true }))).rejects.toThrow(
      /^training diverged: loss is NaN at epoch 2, step 3; the last good checkpoint is .*stop \(epoch 1\); continue it at half the learning rate with --resume .*stop --on-divergence rollback$/,
    );
    expect(state('stop')).toMatchObject({ epochsDone: 1, step: 2 });
    expect(allWeightsFinite('stop')).toBe(true);
  }, 60_000);

  it('rollback: reloads epoch 1, halves the learning rate, logs it, finishes with finite weights; equals a resume at half the rate; --resume keeps the scale', async () => {
    Object.assign(shots, { left: 1, atStep: 2 });
    const before = tf.memory().numTensors;
    const { result: summary, lines } = await captureProgress(() => runTrain(options('rolled', { onDivergence: 'rollback' })));
    expect(tf.memory().numTensors).toBe(before);
    expect(shots.left).toBe(0);

    const cause = 'training diverged: loss is NaN at epoch 2, step 3';
    const event = lines.find((l) => l.event === 'rollback');
    expect(event).toEqual({ event: 'rollback', step: 3, cause, checkpointEpoch: 1, lrScale: 0.5, rollback: 1, of: 3 });
    expect(summary.rollbacks).toEqual([{ step: 3, cause, checkpointEpoch: 1, lrScale: 0.5 }]);
    expect(summary.lrScale).toBe(0.5);
    expect(JSON.parse(readFileSync(join(dataDir, 'rolled', 'summary.json'), 'utf8'))).toMatchObject({ lrScale: 0.5, rollbacks: summary.rollbacks });
    expect(state('rolled')).toMatchObject({ epochsDone: 3, step: 6 });
    expect(allWeightsFinite('rolled')).toBe(true);
    expect(Number.isFinite(summary.finalLoss)).toBe(true);
    expect(loadRecipe(join(dataDir, 'rolled')).training.lrScale).toBe(0.5);

    // The log: steps 0-2 at the preset's rate, the rollback, then steps 2-5 again at half of it (cosine over 6 steps).
    const log = logOf('rolled');
    const at = log.findIndex((e) => e.event === 'rollback');
    const steps = (from: number, to: number) => log.slice(from, to).filter((e) => e.event === 'step');
    expect(steps(0, at).map((e) => e.step)).toEqual([0, 1, 2]);
    for (const e of steps(0, at)) expect(e.lr).toBeCloseTo(cosine(LR, e.step, 6), 12);
    expect(steps(at, log.length).map((e) => e.step)).toEqual([2, 3, 4, 5]);
    for (const e of steps(at, log.length)) expect(e.lr).toBeCloseTo(0.5 * cosine(LR, e.step, 6), 12);

    // The rollback is the resume path: resuming the stopped run of the first test at half the rate gives the same bytes.
    const stopped = join(dataDir, 'stop', 'recipe.json');
    const recipe = JSON.parse(readFileSync(stopped, 'utf8'));
    writeFileSync(stopped, JSON.stringify({ ...recipe, training: { ...recipe.training, lrScale: 0.5 } }));
    await runTrain(options('stop', { resume: true, quiet: true }));
    for (const f of ['model.safetensors', 'optimizer.safetensors']) {
      expect(readFileSync(join(dataDir, 'stop', f)).equals(readFileSync(join(dataDir, 'rolled', f))), f).toBe(true);
    }

    // A later --resume continues at the recorded scale (one more epoch: cosine over 8 steps) and keeps the record.
    const resumed = await runTrain(options('rolled', { resume: true, epochs: 4, quiet: true }));
    const extra = logOf('rolled').filter((e) => e.event === 'step' && e.epoch === 3);
    expect(extra.map((e) => e.step)).toEqual([6, 7]);
    for (const e of extra) expect(e.lr).toBeCloseTo(0.5 * cosine(LR, e.step, 8), 12);
    expect(resumed.lrScale).toBe(0.5);
    expect(resumed.rollbacks).toEqual(summary.rollbacks);
  }, 60_000);

  it(`rollback: gives up after 3 rollbacks, each at half the previous rate`, async () => {
    Object.assign(shots, { left: Infinity, atStep: 2 });
    await expect(runTrain(options('hopeless', { onDivergence: 'rollback', quiet: true }))).rejects.toThrow(
      /^training diverged: loss is NaN at epoch 2, step 3; gave up after 3 rollbacks \(at most 3; learning rate scale 0\.125\); the last good checkpoint is .*hopeless \(epoch 1\)$/,
    );
    expect(logOf('hopeless').filter((e) => e.event === 'rollback').map((e) => e.lrScale)).toEqual([0.5, 0.25, 0.125]);
    expect(state('hopeless')).toMatchObject({ epochsDone: 1, step: 2 });
  }, 60_000);

  it('rollback: a divergence before the first checkpoint stops and says rollback was impossible', async () => {
    Object.assign(shots, { left: 1, atStep: 0 });
    await expect(runTrain(options('early', { onDivergence: 'rollback', quiet: true }))).rejects.toThrow(
      /^training diverged: loss is NaN at epoch 1, step 1; no checkpoint was written, so rollback was impossible$/,
    );
  }, 60_000);

  it('rejects an unknown policy, naming the flag', async () => {
    await expect(runTrain(options('bad', { onDivergence: 'retry' as 'stop' }))).rejects.toThrow('--on-divergence: expected "stop" or "rollback", got "retry"');
  });
});
