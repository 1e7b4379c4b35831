import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { buildPlan } from './build';
import { jobState } from './job-state';
import { runLocal } from './local';
import { writePlan } from './run-plan';
import { readPlan } from './schema';

// Real child processes of the built CLI (bin/float.js): fmnist-oat-lambdas (two OAT runs) on 64 tiny
// training images, 20 test images in two shards of one batch each.
const dataDir = writeTinyDataset(64, 40);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const planFile = join(dataDir, 'plan.json');
const out = join(dataDir, 'runs');
const plan = buildPlan('fmnist-oat-lambdas', { out, planFile, epochs: 1, trainLimit: 64, limit: 20, evalBatchSize: 10, evalShards: 2, dataDir, verify: false });
writePlan(plan, planFile);
const states = () => Object.fromEntries(plan.jobs.map((j) => [j.id, jobState(j, dataDir)]));

describe('--executor local', () => {
  it('runs every job, two at a time, each after what it needs, with a log per job', async () => {
    expect(new Set(Object.values(states()))).toEqual(new Set(['todo']));
    const r = await runLocal(readPlan(planFile), planFile, { jobs: 2, quiet: true });
    expect(r.outcomes).toEqual(Object.fromEntries(plan.jobs.map((j) => [j.id, 'done'])));
    expect(new Set(Object.values(states()))).toEqual(new Set(['done']));
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.methods.map((m: { label: string }) => m.label)).toEqual(['oat', 'oat-default']);
    // The report job trained and attacked nothing: it reused the jobs' runs and merged evaluations.
    expect(report.notes.filter((n: string) => n.startsWith('Reused'))).toHaveLength(4);
    const merged = JSON.parse(readFileSync(join(out, 'oat', 'eval.json'), 'utf8'));
    expect(merged.testImages).toBe(20);
    expect(readFileSync(join(out, 'logs', 'eval__oat__shard-2-of-2.log'), 'utf8')).toMatch(/^# \S+ float eval .* --shard 2\/2 /);
  }, 300_000);

  it('a rerun skips every finished job; a removed shard reruns with only what depends on it', async () => {
    let r = await runLocal(plan, planFile, { jobs: 2, quiet: true });
    expect(new Set(Object.values(r.outcomes))).toEqual(new Set(['skipped']));
    unlinkSync(join(out, 'oat-default', 'eval.shard-1-of-2.json'));
    r = await runLocal(plan, planFile, { jobs: 2, quiet: true });
    const ran = Object.entries(r.outcomes).filter(([, s]) => s === 'done').map(([id]) => id);
    // The merge replaces the stale eval.json (--force); the report is older than it, so it is made again.
    expect(ran).toEqual(['eval/oat-default/shard-1-of-2', 'merge/oat-default', 'report']);
  }, 300_000);

  it('an interrupted training resumes from its checkpoint', async () => {
    const dir = join(out, 'oat');
    // What a kill after the last epoch's checkpoint and before summary.json leaves.
    unlinkSync(join(dir, 'summary.json'));
    expect(jobState(plan.jobs[0], dataDir)).toBe('resumable');
    const r = await runLocal(plan, planFile, { quiet: true });
    expect(r.outcomes['train/oat']).toBe('done');
    expect(readFileSync(join(out, 'logs', 'train__oat.log'), 'utf8')).toMatch(/\n# \S+ float train --resume \S+oat --data-dir \S+ --no-verify --quiet\n/);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
  }, 300_000);

  it('a failed job is reported with its log, and the jobs after it are not started', async () => {
    const bad = JSON.parse(JSON.stringify(plan));
    const train = bad.jobs.find((j: { id: string }) => j.id === 'train/oat-default');
    rmSync(join(out, 'oat-default'), { recursive: true });
    train.argv[train.argv.indexOf('--preset') + 1] = 'no-such-preset';
    const file = join(dataDir, 'bad-plan.json');
    writeFileSync(file, JSON.stringify(bad));
    const r = await runLocal(readPlan(file), file, { jobs: 2, quiet: true });
    expect(r.outcomes['train/oat-default']).toBe('failed');
    expect(r.outcomes['eval/oat-default/shard-1-of-2']).toBe('blocked');
    expect(r.outcomes['report']).toBe('blocked');
    expect(r.outcomes['train/oat']).toBe('skipped');
    expect(readFileSync(join(out, 'logs', 'train__oat-default.log'), 'utf8')).toMatch(/float: error: --preset: unknown preset "no-such-preset"/);
  }, 300_000);
});
