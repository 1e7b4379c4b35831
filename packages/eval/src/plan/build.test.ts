import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-utils/run-cli';
import { buildPlan } from './build';
import { readPlan, validatePlan } from './schema';
import type { Plan } from './types';

const dir = mkdtempSync(join(tmpdir(), 'floatjs-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const planFile = join(dir, 'plan.json');

describe('buildPlan', () => {
  const plan = buildPlan('fmnist-compare', { out: join(dir, 'runs/x'), planFile, seeds: [1, 2], epochs: 1, limit: 400, evalShards: 2, launcher: ['node', '/x/float.js'] });

  it('has one training per (seed, run), two shards and a merge per training, and one report job that needs every merge', () => {
    const stages = plan.jobs.map((j) => j.stage);
    expect(stages.filter((s) => s === 'train')).toHaveLength(12);
    expect(stages.filter((s) => s === 'eval')).toHaveLength(24);
    expect(stages.filter((s) => s === 'merge')).toHaveLength(12);
    expect(stages.filter((s) => s === 'report')).toHaveLength(1);
    const report = plan.jobs.at(-1)!;
    expect(report.needs).toEqual(plan.jobs.filter((j) => j.stage === 'merge').map((j) => j.id));
    expect(report.argv).toEqual(['float', 'experiment', 'fmnist-compare', '--out', 'runs/x', '--seeds', '1,2', '--epochs', '1', '--limit', '400', '--quiet']);
  });

  it('writes exact command lines with plan-relative paths, each job after the ones it needs', () => {
    const byId = new Map(plan.jobs.map((j) => [j.id, j]));
    const train = byId.get('train/seed-2/pgd-at-0.2')!;
    expect(train.argv).toEqual(['float', 'train', '--preset', 'fmnist-quick', '--method', 'pgd-at', '--lambda', '0.2', '--out', 'runs/x/seed-2/pgd-at-0.2', '--seed', '2', '--epochs', '1', '--init', 'pytorch', '--quiet']);
    expect(train.resumeArgv).toEqual(['float', 'train', '--resume', 'runs/x/seed-2/pgd-at-0.2', '--quiet']);
    expect(train.done).toEqual({ kind: 'checkpoint', dir: 'runs/x/seed-2/pgd-at-0.2', expect: { method: 'pgd-at', methodOptions: { lambda: 0.2 }, preset: 'fmnist-quick', seed: 2, epochs: 1, trainLimit: 10_000, init: 'pytorch' } });
    expect(byId.get('train/seed-1/oat')!.argv).toContain('{"lambdas":[0,0.2,0.7,1]}');
    const shard = byId.get('eval/seed-2/pgd-at-0.2/shard-2-of-2')!;
    expect(shard.argv).toEqual(['float', 'eval', 'runs/x/seed-2/pgd-at-0.2', '--shard', '2/2', '--limit', '400', '--json', 'runs/x/seed-2/pgd-at-0.2/eval.shard-2-of-2.json', '--quiet']);
    expect(shard.needs).toEqual(['train/seed-2/pgd-at-0.2']);
    const merge = byId.get('merge/seed-2/pgd-at-0.2')!;
    expect(merge.argv).toEqual(['float', 'merge', 'runs/x/seed-2/pgd-at-0.2/eval.shard-1-of-2.json', 'runs/x/seed-2/pgd-at-0.2/eval.shard-2-of-2.json', '--json', 'runs/x/seed-2/pgd-at-0.2/eval.json']);
    expect(merge.done).toEqual({ kind: 'results', file: 'runs/x/seed-2/pgd-at-0.2/eval.json', newerThan: ['runs/x/seed-2/pgd-at-0.2/eval.shard-1-of-2.json', 'runs/x/seed-2/pgd-at-0.2/eval.shard-2-of-2.json'] });
    expect(plan.flags).toEqual({ seeds: [1, 2], epochs: 1, limit: 400 });
    expect(plan.provenance.argv).toBeDefined();
    expect(plan.provenance.packages['@floatjs/eval']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('one shard: one eval job per run straight into eval.json, no merge', () => {
    const p = buildPlan('fmnist-oat-lambdas', { out: join(dir, 'o'), planFile, evalShards: 1, evalBatchSize: 50, dataDir: join(dir, 'data'), verify: false, backend: 'cpu', launcher: ['node', 'f'] });
    expect(p.jobs.map((j) => j.id)).toEqual(['train/oat', 'eval/oat', 'train/oat-default', 'eval/oat-default', 'report']);
    expect(p.jobs[1].argv).toEqual(['float', 'eval', 'o/oat', '--batch-size', '50', '--json', 'o/oat/eval.json', '--backend', 'cpu', '--data-dir', 'data', '--no-verify', '--quiet']);
    expect(p.jobs[4].argv).toContain('--eval-batch-size');
  });

  it('is a valid plan, and its own schema refuses damage in one line naming the file and the field', () => {
    expect(validatePlan('p.json', JSON.parse(JSON.stringify(plan)))).toBeTruthy();
    const bad = (f: (p: Plan) => void) => {
      const p = JSON.parse(JSON.stringify(plan)) as Plan;
      f(p);
      return () => validatePlan('p.json', p);
    };
    expect(bad((p) => (p.jobs[3].argv = ['rm', '-rf', '/']))).toThrow(/^p\.json: field "jobs\[3\]\.argv": expected a command line starting with "float", found an array of 3 items$/);
    expect(bad((p) => (p.jobs[0].needs = ['nope']))).toThrow(/^p\.json: field "jobs\[0\]\.needs\[0\]": no job has id "nope"$/);
    expect(bad((p) => (p.jobs[0].needs = ['report']))).toThrow(/"report" is not of an earlier stage than train/);
    expect(bad((p) => (p.jobs[1].id = p.jobs[0].id))).toThrow(/field "jobs\[1\]\.id": job id "train\/seed-1\/float" is used twice/);
    expect(bad((p) => ((p as { version: number }).version = 2))).toThrow(/^p\.json: field "version": expected 1, found 2$/);
    expect(bad((p) => ((p.jobs[0].done as { kind: string }).kind = 'maybe'))).toThrow(/field "jobs\[0\]\.done\.kind"/);
  });

  it('refuses bad options in one line', () => {
    expect(() => buildPlan('fmnist-compare', { out: dir, planFile, evalShards: 0 })).toThrow(/^--eval-shards: expected a positive integer, got 0$/);
    // fmnist-quick evaluates in batches of 200: 200 points are one batch, so a second shard would fail on the cluster.
    expect(() => buildPlan('fmnist-compare', { out: dir, planFile, evalShards: 2, limit: 200 })).toThrow(
      /^--eval-shards: 2 shards, but the 200 test points make only 1 batch of 200; use at most 1 shards or a smaller --eval-batch-size$/,
    );
    expect(buildPlan('fmnist-compare', { out: dir, planFile, evalShards: 2, limit: 200, evalBatchSize: 100 }).evalShards).toBe(2);
    expect(() => buildPlan('fmnist-compare', { out: dir, planFile, evalShards: 6 })).toThrow(/the 1000 test points make only 5 batches of 200/);
    expect(() => buildPlan('nope', { out: dir, planFile })).toThrow(/unknown experiment "nope"/);
  });
});

describe('float experiment --plan and float plan', () => {
  it('writes the plan and runs nothing', async () => {
    const file = join(dir, 'cli-plan.json');
    const { code, stderr } = await runCli('experiment', 'fmnist-oat-lambdas', '--plan', file, '--out', join(dir, 'cli-runs'), '--epochs', '1', '--eval-shards', '2');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const p = readPlan(file);
    expect(p.experiment).toBe('fmnist-oat-lambdas');
    expect(p.evalShards).toBe(2);
    expect(p.jobs.map((j) => j.stage)).toEqual(['train', 'eval', 'eval', 'merge', 'train', 'eval', 'eval', 'merge', 'report']);
  });

  it('refuses a damaged plan file in one line', async () => {
    const file = join(dir, 'damaged.json');
    writeFileSync(file, '{"format": "floatjs-plan", "version": 1');
    let r = await runCli('plan', 'run', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^float: error: ${file}: not JSON \\(.*\\)\\n$`));
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(join(dir, 'cli-plan.json'), 'utf8')), launcher: [] }));
    r = await runCli('plan', 'status', file);
    expect(r.stderr).toBe(`float: error: ${file}: field "launcher": expected a non-empty array of strings, found an array of 0 items\n`);
    r = await runCli('experiment', 'fmnist-oat-lambdas', '--eval-shards', '2', '--out', join(dir, 'x'));
    expect(r.stderr).toMatch(/^float: error: --eval-shards: only with --plan FILE or --executor/);
    r = await runCli('plan', 'run', join(dir, 'cli-plan.json'), '--executor', 'pbs');
    expect(r.stderr).toMatch(/--executor expects local, slurm, k8s, got "pbs"/);
    r = await runCli('plan', 'run', join(dir, 'cli-plan.json'), '--executor', 'local', '--partition', 'gpu');
    expect(r.stderr).toBe('float: error: --partition: only with --executor slurm (got --executor local)\n');
    r = await runCli('experiment', 'fmnist-oat-lambdas', '--image', 'x', '--out', join(dir, 'x'));
    expect(r.stderr).toBe('float: error: --image: only with --executor k8s\n');
  });
});
