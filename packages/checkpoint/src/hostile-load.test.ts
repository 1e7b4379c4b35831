import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWeights, saveCheckpoint, WEIGHTS_FILE } from './checkpoint';
import { listGenerations } from './generation';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { findTrainingCheckpoint, loadTrainingCheckpoint, OPTIMIZER_FILE, saveTrainingCheckpoint, STATE_FILE } from './training-state';
import { createModel, readVariables, Trainer, type InputSpec } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';

const SPEC: InputSpec = { height: 8, width: 8, channels: 1, numClasses: 3 };
let root: string;
beforeAll(async () => {
  await useStockBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'floatjs-hostile-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const trainerOf = () => new Trainer(createModel('cnn-s', SPEC, [], 3), { epochs: 2, lr: 0.1, momentum: 0.9, weightDecay: 0, schedule: 'constant', seed: 3, adversary: null });

async function writeWeights(dir: string, edit: (t: Map<string, { shape: number[]; data: Float32Array }>) => void): Promise<void> {
  const m = createModel('cnn-s', SPEC, [], 3);
  await saveCheckpoint(dir, m, {});
  const tensors = await readVariables(m.variables);
  m.dispose();
  edit(tensors);
  writeFileSync(join(dir, WEIGHTS_FILE), encodeSafetensors(tensors, { format: 'floatjs', architecture: 'cnn-s' }));
}

describe('loading refuses weights that would make every later number garbage', () => {
  it('names a tensor holding NaN, and a negative batch-norm variance', async () => {
    const dir = join(root, 'nan');
    await writeWeights(dir, (t) => (t.get('conv2.kernel')!.data[5] = Number.NaN));
    const m = createModel('cnn-s', SPEC, [], 4);
    expect(() => loadWeights(dir, m)).toThrow(/model\.safetensors: tensor "conv2\.kernel" holds NaN at index 5/);
    await writeWeights(dir, (t) => (t.get('bn1.movingVariance')!.data[0] = -0.5));
    expect(() => loadWeights(dir, m)).toThrow(/tensor "bn1\.movingVariance" is a batch-norm variance but holds -0\.5/);
    m.dispose();
  });

  it('refuses a FIFO, a directory and a link to /dev/zero as model.safetensors, without reading them', () => {
    const m = createModel('cnn-s', SPEC, [], 4);
    for (const kind of ['fifo', 'dir', 'devzero'] as const) {
      const dir = join(root, kind);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, WEIGHTS_FILE);
      if (kind === 'fifo') execFileSync('mkfifo', [path]);
      if (kind === 'dir') mkdirSync(path);
      if (kind === 'devzero') symlinkSync('/dev/zero', path);
      expect(() => loadWeights(dir, m), kind).toThrow(new RegExp(`${kind}/model\\.safetensors: not a regular file`));
    }
    m.dispose();
  });
});

describe('safetensors edge cases the format allows', () => {
  it('accepts zero-size tensors, wherever they sit', () => {
    const tensors = new Map([
      ['a', { shape: [0], data: new Float32Array(0) }],
      ['b', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }],
      ['c', { shape: [3, 0], data: new Float32Array(0) }],
    ]);
    const back = decodeSafetensors(encodeSafetensors(tensors), 'zero.safetensors').tensors;
    expect(back.get('a')!.shape).toEqual([0]);
    expect(back.get('c')!.shape).toEqual([3, 0]);
    expect([...back.get('b')!.data]).toEqual([1, 2, 3, 4]);
  });
});

describe('training checkpoints', () => {
  it('writes generations: once the new one is whole the previous one is gone and the run directory links to it', async () => {
    const dir = join(root, 'gen');
    const t = trainerOf();
    await saveTrainingCheckpoint(dir, t, { r: 1 }, 1);
    await saveTrainingCheckpoint(dir, t, { r: 1 }, 2);
    expect(listGenerations(dir).map(([e]) => e)).toEqual([2]);
    for (const f of [WEIGHTS_FILE, OPTIMIZER_FILE, STATE_FILE, 'recipe.json']) expect(readFileSync(join(dir, f)).equals(readFileSync(join(dir, 'ckpt-2', f))), f).toBe(true);
    t.dispose();
    t.model.dispose();
  });

  it('skips a corrupt newer generation and says why', async () => {
    const dir = join(root, 'skip');
    const t = trainerOf();
    await saveTrainingCheckpoint(dir, t, {}, 1);
    mkdirSync(join(dir, 'ckpt-5'));
    writeFileSync(join(dir, 'ckpt-5', STATE_FILE), '{"format":');
    const found = findTrainingCheckpoint(dir)!;
    expect(found.state.epochsDone).toBe(1);
    expect(found.skipped[0]).toMatch(/ckpt-5\/trainer-state\.json: not valid JSON/);
    t.dispose();
    t.model.dispose();
  });

  it('loads a directory written before generations (files beside each other), and names a torn one', async () => {
    const dir = join(root, 'legacy');
    const t = trainerOf();
    await saveTrainingCheckpoint(dir, t, {}, 1);
    rmSync(join(dir, 'ckpt-1'), { recursive: true });
    const u = trainerOf();
    expect(loadTrainingCheckpoint(dir, u).epochsDone).toBe(1);
    writeFileSync(join(dir, OPTIMIZER_FILE), readFileSync(join(dir, WEIGHTS_FILE)));
    expect(() => loadTrainingCheckpoint(dir, u)).toThrow(/optimizer\.safetensors: sha256 \w+ does not match .* torn or corrupt/);
    for (const x of [t, u]) {
      x.dispose();
      x.model.dispose();
    }
  });

  it('never opens a file named by trainer-state.json outside the checkpoint', async () => {
    const dir = join(root, 'escape');
    const t = trainerOf();
    await saveTrainingCheckpoint(dir, t, {}, 1);
    const statePath = join(dir, 'ckpt-1', STATE_FILE);
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    state.files['../../../../etc/passwd'] = 'a'.repeat(64);
    writeFileSync(statePath, JSON.stringify(state));
    expect(() => findTrainingCheckpoint(dir)).toThrow(/no readable checkpoint.*field "files" names "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd"/);
    writeFileSync(join(dir, STATE_FILE), JSON.stringify(state));
    rmSync(join(dir, 'ckpt-1'), { recursive: true });
    expect(() => findTrainingCheckpoint(dir)).toThrow(/trainer-state\.json: field "files" names "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd"; expected only model\.safetensors and optimizer\.safetensors/);
    t.dispose();
    t.model.dispose();
  });

  it('restores a run bit-exactly and leaks no tensors', async () => {
    const dir = join(root, 'exact');
    const t = trainerOf();
    const before = tf.memory().numTensors;
    await saveTrainingCheckpoint(dir, t, {}, 1);
    const u = trainerOf();
    loadTrainingCheckpoint(dir, u);
    for (const [name, v] of t.model.variables) expect(Buffer.from(v.dataSync().buffer).equals(Buffer.from(u.model.variables.get(name)!.dataSync().buffer)), name).toBe(true);
    for (const x of [t, u]) {
      x.dispose();
      x.model.dispose();
    }
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });
});
