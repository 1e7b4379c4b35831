import { dirname, join, relative, resolve } from 'node:path';
import { WEIGHTS_FILE } from '@floatjs/checkpoint';
import { provenance } from '../report/provenance';
import { getPreset } from '../recipes/presets';
import { methodNames } from '../recipes/methods';
import { getExperiment, runLabel, runMethodOptions } from '../experiment/registry';
import { EXPERIMENT_INIT } from '../experiment/reuse';
import { seedPlan } from '../experiment/run';
import { thisLauncher } from './launcher';
import type { Plan, PlanJob } from './types';

/** The experiment flags a plan passes on to its jobs (the CLI's names, camel-cased as commander gives them). */
export interface PlanFlags {
  backend?: string;
  seed?: number;
  seeds?: number[];
  epochs?: number;
  trainLimit?: number;
  limit?: number;
  evalBatchSize?: number;
  allowDeterministic?: boolean;
  dataDir?: string;
  download?: boolean;
  /** false: `--no-verify`. */
  verify?: boolean;
  threads?: number;
}

export interface BuildPlanOptions extends PlanFlags {
  /** The experiment directory (as given, relative to the current directory or absolute). */
  out: string;
  /** Where the plan is written: its directory is the base of every path in it and the jobs' working directory. */
  planFile: string;
  /** Evaluation shards per run (default 1). */
  evalShards?: number;
  /** Replaces this CLI's own launcher (tests). */
  launcher?: string[];
}

/**
 * Refuses, when the plan is written, more shards than the evaluation has batches (`float eval --shard` would
 * refuse each of them later, on the cluster). Unknown without a test limit: the dataset's size decides then.
 */
function checkShards(shards: number, testImages: number | undefined, batchSize: number): void {
  if (shards === 1 || testImages === undefined) return;
  const batches = Math.ceil(testImages / batchSize);
  if (shards > batches) {
    throw new Error(`--eval-shards: ${shards} shards, but the ${testImages} test points make only ${batches} batch${batches === 1 ? '' : 'es'} of ${batchSize}; use at most ${batches} shards or a smaller --eval-batch-size`);
  }
}

/** `eval.shard-<i>-of-<n>.json`, the name `float eval --shard i/n` writes by default. */
export const shardFile = (i: number, n: number) => `eval.shard-${i}-of-${n}.json`;

/**
 * Writes `float experiment NAME` as jobs: one training per (seed, run), its evaluation (one job, or one per
 * shard and a merge), and the report, which is `float experiment NAME` itself: it reuses every finished run
 * and evaluation, so the report job trains and attacks nothing.
 */
export function buildPlan(name: string, o: BuildPlanOptions): Plan {
  const def = getExperiment(name);
  const preset = getPreset(def.preset);
  const shards = o.evalShards ?? 1;
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`--eval-shards: expected a positive integer, got ${shards}`);
  checkShards(shards, o.limit ?? preset.testLimit, o.evalBatchSize ?? preset.eval.batchSize);
  const { seeds, layout } = seedPlan(o);
  const base = dirname(resolve(o.planFile));
  const rel = (p: string) => relative(base, resolve(p)) || '.';
  const out = rel(o.out);
  const epochs = o.epochs ?? preset.epochs;
  const trainLimit = o.trainLimit ?? preset.trainLimit ?? null;
  const registered = new Set(methodNames());
  const runs = def.runs.filter((r) => registered.has(r.method) || !r.optional);
  const common = [...(o.backend ? ['--backend', o.backend] : []), ...(o.threads ? ['--threads', String(o.threads)] : [])];
  const data = [...(o.dataDir ? ['--data-dir', rel(o.dataDir)] : []), ...(o.download ? ['--download'] : []), ...(o.verify === false ? ['--no-verify'] : [])];
  const evalFlags = [...(o.limit !== undefined ? ['--limit', String(o.limit)] : []), ...(o.allowDeterministic ? ['--allow-deterministic'] : [])];
  const batch = o.evalBatchSize !== undefined ? String(o.evalBatchSize) : undefined;
  const jobs: PlanJob[] = [];
  const evalFiles: string[] = [];
  const evalIds: string[] = [];
  for (const seed of seeds) {
    for (const run of runs) {
      const label = runLabel(run);
      const sub = layout === 'per-seed' ? `seed-${seed}/${label}` : label;
      const dir = join(out, sub);
      const opts = run.methodOptions && Object.keys(run.methodOptions).length ? ['--method-options', JSON.stringify(run.methodOptions)] : [];
      const trainId = `train/${sub}`;
      jobs.push({
        id: trainId,
        stage: 'train',
        argv: ['float', 'train', '--preset', preset.name, '--method', run.method, ...(run.lambda === undefined ? [] : ['--lambda', String(run.lambda)]), ...opts,
          '--out', dir, '--seed', String(seed), '--epochs', String(epochs), '--init', EXPERIMENT_INIT, ...(o.trainLimit !== undefined ? ['--limit', String(o.trainLimit)] : []), ...common, ...data, '--quiet'],
        resumeArgv: ['float', 'train', '--resume', dir, ...common, ...data, '--quiet'],
        out: dir,
        done: { kind: 'checkpoint', dir, expect: { method: run.method, methodOptions: runMethodOptions(run), preset: preset.name, seed, epochs, trainLimit, init: EXPERIMENT_INIT } },
        needs: [],
      });
      const weights = join(dir, WEIGHTS_FILE);
      const evalJson = join(dir, 'eval.json');
      const evalArgs = (extra: string[], json: string) => ['float', 'eval', dir, ...extra, ...evalFlags, ...(batch ? ['--batch-size', batch] : []), '--json', json, ...common, ...data, '--quiet'];
      if (shards === 1) {
        jobs.push({ id: `eval/${sub}`, stage: 'eval', argv: evalArgs([], evalJson), out: dir, done: { kind: 'results', file: evalJson, newerThan: [weights] }, needs: [trainId] });
        evalIds.push(`eval/${sub}`);
      } else {
        const files: string[] = [];
        for (let i = 1; i <= shards; i++) {
          const file = join(dir, shardFile(i, shards));
          files.push(file);
          jobs.push({ id: `eval/${sub}/shard-${i}-of-${shards}`, stage: 'eval', argv: evalArgs(['--shard', `${i}/${shards}`], file), out: dir, done: { kind: 'results', file, newerThan: [weights] }, needs: [trainId] });
        }
        jobs.push({ id: `merge/${sub}`, stage: 'merge', argv: ['float', 'merge', ...files, '--json', evalJson], out: dir, done: { kind: 'results', file: evalJson, newerThan: files }, needs: files.map((_, k) => `eval/${sub}/shard-${k + 1}-of-${shards}`) });
        evalIds.push(`merge/${sub}`);
      }
      evalFiles.push(evalJson);
    }
  }
  const seedFlags = o.seeds !== undefined ? ['--seeds', seeds.join(',')] : o.seed !== undefined ? ['--seed', String(o.seed)] : [];
  jobs.push({
    id: 'report',
    stage: 'report',
    argv: ['float', 'experiment', name, '--out', out, ...seedFlags, ...(o.epochs !== undefined ? ['--epochs', String(o.epochs)] : []), ...(o.trainLimit !== undefined ? ['--train-limit', String(o.trainLimit)] : []), ...evalFlags, ...(batch ? ['--eval-batch-size', batch] : []), ...common, ...data, '--quiet'],
    out,
    done: { kind: 'results', file: join(out, 'report.json'), newerThan: evalFiles },
    needs: evalIds,
  });
  const flags = Object.fromEntries(Object.entries({ seed: o.seed, seeds: o.seeds, epochs: o.epochs, trainLimit: o.trainLimit, limit: o.limit, evalBatchSize: o.evalBatchSize, allowDeterministic: o.allowDeterministic, backend: o.backend, threads: o.threads, dataDir: o.dataDir, download: o.download, verify: o.verify }).filter(([, v]) => v !== undefined));
  return { format: 'floatjs-plan', version: 1, experiment: def.name, description: def.description, out, flags, evalShards: shards, launcher: o.launcher ?? thisLauncher(), provenance: provenance({ seed: seeds.length === 1 ? seeds[0] : null }), jobs };
}
