import { join } from 'node:path';
import type { ConvInit } from '@floatjs/engine';
import type { DataOptions } from '../recipes/data';
import { runEval } from '../commands/evaluate';
import { exportNarrow } from '../commands/export-narrow';
import { getMethod } from '../recipes/methods';
import type { Preset } from '../recipes/presets';
import type { Progress } from '../report/progress';
import { runTrain } from '../commands/train';
import { runLabel, runMethodOptions, type ExperimentRun } from './registry';
import { reusableEval, trainedRun } from './reuse';
import type { ExperimentMethodResult } from './types';

/** The width a slimmable run's sub-network is exported at (`<run>/narrow-0.5/`), the paper's SF 0.5. */
export const SLIM_EXPORT_WIDTH = 0.5;
export const narrowDirOf = (dir: string) => join(dir, `narrow-${SLIM_EXPORT_WIDTH}`);

export interface SeedRunOptions extends DataOptions {
  /** The experiment directory. */
  out: string;
  /** Where this seed's runs go, relative to `out`: '' (one seed, `--seed`) or `seed-<n>`. */
  subdir: string;
  seed: number;
  epochs: number;
  /** Training images (the preset's trainLimit unless overridden); null = the whole training set. */
  trainLimit: number | null;
  /** The conv init new runs are trained with and reused runs must have (`recipe.init`). */
  init: ConvInit;
  backendName: string;
  backend?: string;
  limit?: number;
  evalBatchSize?: number;
  /** The λs to evaluate at (default the preset's `eval.lambdas`). */
  lambdas?: readonly number[];
  allowDeterministic?: boolean;
  quiet?: boolean;
  notes: string[];
  progress: Progress;
  /** For the progress lines: this seed's position, e.g. "seed 2 (2/3) ". */
  tag: string;
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);

/**
 * Trains (or reuses, or resumes) and evaluates every run of an experiment with one seed. Costs and latency are
 * filled in later, with every seed's models loaded together.
 */
export async function trainAndEvaluate(runs: readonly ExperimentRun[], preset: Preset, o: SeedRunOptions): Promise<ExperimentMethodResult[]> {
  const results: ExperimentMethodResult[] = [];
  for (const [i, run] of runs.entries()) {
    const label = runLabel(run);
    const rel = o.subdir ? join(o.subdir, label) : label;
    const dir = join(o.out, rel);
    const method = getMethod(run.method);
    const methodOptions = runMethodOptions(run);
    const step = `${o.tag}[${i + 1}/${runs.length}]`;
    // A finished run is reused and an interrupted one resumed, so a long experiment survives a crash.
    const trained = trainedRun(dir, { method: run.method, methodOptions, preset: preset.name, seed: o.seed, epochs: o.epochs, trainLimit: o.trainLimit, init: o.init });
    let summary;
    if (trained.state === 'done') {
      summary = trained.summary;
      o.notes.push(`Reused the finished training run in ${rel}/ (its summary.json).`);
      o.progress.log('reuse', { run: label, seed: o.seed }, `${step} reusing the trained ${rel}`);
    } else {
      const verb = trained.state === 'resumable' ? 'resuming' : 'training';
      o.progress.log('run', { run: label, seed: o.seed, index: i + 1, of: runs.length, resume: trained.state === 'resumable' }, `${step} ${verb} ${rel} …`);
      summary = await runTrain({
        preset: preset.name,
        method: run.method,
        lambda: run.lambda,
        methodOptions: run.methodOptions,
        out: dir,
        seed: o.seed,
        init: o.init,
        epochs: o.epochs,
        trainLimit: o.trainLimit ?? undefined,
        resume: trained.state === 'resumable',
        backend: o.backend,
        dataDir: o.dataDir,
        download: o.download,
        verify: o.verify,
        quiet: o.quiet,
      });
    }
    const lambdas = [...(o.lambdas ?? preset.eval.lambdas)];
    const settings = method.settings(lambdas, preset.eval.lambdaThs, methodOptions).map((s) => ({ lambda: s.lambda, lambdaTh: s.lambdaTh, width: s.cond.width }));
    const missing = lambdas.filter((l) => settings.some((s) => s.lambda !== null) && !settings.some((s) => s.lambda === l));
    if (missing.length && !o.notes.some((n) => n.startsWith(`${label}: `))) {
      const set = methodOptions.lambdas as number[] | undefined;
      o.notes.push(`${label}: not evaluated at λ ∈ {${missing.join(', ')}}, which its λ set${set ? ` {${set.join(', ')}}` : ''} does not contain.`);
    }
    let ev = reusableEval(dir, { attack: preset.eval.attack, backend: o.backendName, testImages: o.limit ?? preset.testLimit, batchSize: o.evalBatchSize ?? preset.eval.batchSize, settings });
    if (ev) {
      o.notes.push(`Reused the evaluation in ${rel}/eval.json (same attack, test images and conditions, newer than the weights).`);
    } else {
      o.progress.log('run', { run: label, seed: o.seed }, `${step} evaluating ${rel} …`);
      ev = await runEval(dir, { ...(o.lambdas ? { lambdas } : {}), backend: o.backend, dataDir: o.dataDir, download: o.download, verify: o.verify, quiet: o.quiet, limit: o.limit, batchSize: o.evalBatchSize, allowDeterministic: o.allowDeterministic });
    }
    if (method.slim) {
      // Cheap (a weight slice), so always redone from the current weights.
      const e = await exportNarrow(dir, join(o.out, narrowDirOf(rel)), SLIM_EXPORT_WIDTH);
      o.notes.push(`Exported the width-${SLIM_EXPORT_WIDTH} sub-network of ${rel} to ${narrowDirOf(rel)}/ (method \`${e.method}\`, architecture \`${e.architecture}\`; \`float eval\` reads it).`);
    }
    results.push({
      method: run.method,
      label,
      seed: o.seed,
      methodOptions,
      trainLambda: run.lambda ?? null,
      dir: rel,
      params: { total: 0, trainable: 0, base: { total: 0, trainable: 0 }, byPlugin: {}, byPattern: { alpha: { total: 0, trainable: 0 }, adv: { total: 0, trainable: 0 }, film: { total: 0, trainable: 0 } } },
      secondsPerEpoch: mean(summary.secondsPerEpoch),
      epochSeconds: summary.secondsPerEpoch,
      trainSeconds: summary.trainSeconds,
      latencyMs: Number.NaN,
      latency: { batch: preset.eval.batchSize, byLambda: [] },
      flops: 0,
      macs: 0,
      storageBytes: 0,
      storageBytesFig7b: 0,
      delayKind: 'conv',
      delayNs: 0,
      compression: null,
      attack: ev.attack,
      testImages: ev.testImages,
      rows: ev.rows,
      slim: null,
    });
  }
  return results;
}
