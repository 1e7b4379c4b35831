import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from '../commands/evaluate';
import { exportSafetensors, importSafetensors } from '../commands/export';
import { getPreset, registerPreset } from '../recipes/presets';
import { lockRunDir } from './run-lock';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { runTrain, type TrainOptions } from '../commands/train';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const base = getPreset('fmnist-quick');
registerPreset({ ...base, name: 'safety-test', trainLimit: 32, testLimit: 20, batchSize: 32, epochs: 2, eval: { ...base.eval, lambdas: [0], lambdaThs: [0], batchSize: 20, attack: { ...base.eval.attack, steps: 1 } } });
const opts = (out: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({ preset: 'safety-test', method: 'standard', out, dataDir, verify: false, quiet: true, ...extra });

const digests = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name).slice(dir.length), createHash('sha256').update(readFileSync(join(e.parentPath, e.name))).digest('hex')]),
  );

describe('no silent overwrite of a run', () => {
  const out = join(dataDir, 'finished');
  it('train --out onto a finished run is refused and changes nothing; --force moves it aside', async () => {
    await runTrain(opts(out));
    writeFileSync(join(out, 'eval.json'), '{}\n');
    const before = digests(out);
    await expect(runTrain(opts(out))).rejects.toThrow(new RegExp(`${out}: holds a run \\(model\\.safetensors, trainer-state\\.json, summary\\.json, eval\\.json, ckpt-2/\\); continue it with --resume`));
    expect(digests(out)).toEqual(before);
    await runTrain(opts(out, { force: true, epochs: 1 }));
    const aside = readdirSync(dataDir).filter((n) => n.startsWith('finished.old-'));
    expect(aside).toHaveLength(1);
    expect(digests(join(dataDir, aside[0]))).toEqual(before);
    expect(existsSync(join(out, 'eval.json'))).toBe(false);
    await expect(runTrain(opts(out, { resume: true, force: true }))).rejects.toThrow(/--force: not with --resume/);
  }, 120_000);

  it('eval refuses to replace an earlier report unless told to', async () => {
    await expect(runEval(out, { dataDir, verify: false, quiet: true, keepExisting: true, lambdas: [0] })).resolves.toBeTruthy();
    const first = readFileSync(join(out, 'eval.json'));
    await expect(runEval(out, { dataDir, verify: false, quiet: true, keepExisting: true })).rejects.toThrow(/eval\.json: an earlier report is there; pass --force/);
    expect(readFileSync(join(out, 'eval.json')).equals(first)).toBe(true);
  }, 60_000);

  it('a second writer is refused while the first holds the lock; a dead writer\'s lock is taken over', async () => {
    const dir = join(dataDir, 'locked');
    mkdirSync(dir, { recursive: true });
    const release = lockRunDir(dir, 'train');
    await expect(runTrain(opts(dir))).rejects.toThrow(new RegExp(`${dir}: in use by \`float train\` \\(pid ${process.pid} on ${hostname()}, since .*\\); wait for it`));
    release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started: 'then', command: 'train' }));
    await runTrain(opts(dir, { epochs: 1 }));
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  }, 60_000);

  it('import checks everything before writing and never touches an existing directory', async () => {
    const file = join(dataDir, 'model.safetensors');
    exportSafetensors(out, file);
    const existing = join(dataDir, 'finished');
    const before = digests(existing);
    expect(() => importSafetensors(file, existing)).toThrow(/exists and is not an empty directory/);
    expect(digests(existing)).toEqual(before);
    const bad = join(dataDir, 'bad.safetensors');
    writeFileSync(bad, readFileSync(file).subarray(0, 200));
    const target = join(dataDir, 'imported');
    expect(() => importSafetensors(bad, target)).toThrow(/bad\.safetensors: corrupt safetensors file/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dataDir).some((n) => n.includes('.tmp-'))).toBe(false);
    expect(importSafetensors(file, target).tensors).toBeGreaterThan(0);
  });
});

describe('resume', () => {
  it('tolerates a torn last log line and sums the time of every segment', async () => {
    const dir = join(dataDir, 'torn');
    await runTrain(opts(dir, { epochs: 1 }));
    // As if killed while appending a line; then the run is continued to 2 epochs.
    appendFileSync(join(dir, 'train-log.jsonl'), '{"event":"epoch","epoch":1,"seco');
    const s = await runTrain({ ...opts(dir, { resume: true }), epochs: 2 });
    expect(s.secondsPerEpoch).toHaveLength(2);
    expect(s.trainSeconds).toBeCloseTo(s.secondsPerEpoch[0] + s.secondsPerEpoch[1], 9);
    expect(s.secondsPerEpoch.every((x) => x > 0)).toBe(true);
    for (const line of readFileSync(join(dir, 'train-log.jsonl'), 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  }, 60_000);

  it('a run killed before its first checkpoint resumes from the start', async () => {
    const dir = join(dataDir, 'early');
    mkdirSync(dir, { recursive: true });
    await runTrain(opts(dir, { epochs: 1 }));
    // What a kill before the first checkpoint leaves: the recipe (written first) and part of the log.
    for (const f of readdirSync(dir)) if (f !== 'recipe.json' && f !== 'train-log.jsonl') rmSync(join(dir, f), { recursive: true });
    const s = await runTrain(opts(dir, { resume: true }));
    expect(s.secondsPerEpoch).toHaveLength(1);
    expect(existsSync(join(dir, 'ckpt-1'))).toBe(true);
  }, 60_000);
});
