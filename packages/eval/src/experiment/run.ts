import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, type InputSpec, type Model } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { backendLine, backendRecord } from '../report/backend-record';
import { provenance } from '../report/provenance';
import { architectureLayerCosts, compressionOf, countParams, delayModel, measureLatency, modelCost, type LatencyTarget } from '../cost';
import type { DataOptions } from '../recipes/data';
import { loadCheckpointModel } from '../recipes/checkpoint-model';
import { getMethod, methodNames } from '../recipes/methods';
import { getPreset } from '../recipes/presets';
import { Progress } from '../report/progress';
import { heatmapOf } from './heatmap';
import { getExperiment, runLabel } from './registry';
import { writeReport } from './report-files';
import { EXPERIMENT_INIT } from './reuse';
import { acrossSeeds, familiesAcrossSeeds, withRatiosToFloat } from './seeds';
import { slimCosts, slimLatency } from './slim';
import { narrowDirOf, SLIM_EXPORT_WIDTH, trainAndEvaluate } from './train-runs';
import type { DelaySummary, ExperimentFamily, ExperimentMethodResult, ExperimentReport, Heatmap, PaperReference } from './types';
// Registers the paper's architectures (resnet34, wrn16-8, ...) in the engine's zoo by name.
import '@floatjs/models';

export interface ExperimentOptions extends DataOptions {
  out: string;
  /** Where the runs are trained and reused (default `out`); the report is written to `out`. Experiments sharing it share runs of the same label. */
  runs?: string;
  backend?: string;
  /** One seed, runs in `<out>/<label>/` (the layout before `seeds` existed). Default 1. */
  seed?: number;
  /** Several seeds: every run is trained and evaluated once per seed, in `<out>/seed-<n>/<label>/`. */
  seeds?: number[];
  /** Train and evaluate on this preset instead of the experiment's own. */
  preset?: string;
  /** Override the preset's epochs for every run. */
  epochs?: number;
  /** Train every run on the first n training images instead of the preset's trainLimit. */
  trainLimit?: number;
  /** Evaluate only the first n test images. */
  limit?: number;
  /** Images per attacked batch of every evaluation (default the preset's); shards are whole batches. */
  evalBatchSize?: number;
  /** Passed to `runEval`: allow one-draw attacks on randomized conditions. */
  allowDeterministic?: boolean;
  quiet?: boolean;
}

export { SLIM_EXPORT_WIDTH } from './train-runs';

/** The seeds of a run of `runExperiment`, and whether they get a directory each. */
export function seedPlan(opts: Pick<ExperimentOptions, 'seed' | 'seeds'>): { seeds: number[]; layout: 'per-seed' | 'flat' } {
  if (opts.seeds === undefined) return { seeds: [opts.seed ?? 1], layout: 'flat' };
  if (opts.seed !== undefined) throw new Error('--seeds: give either --seed N (one seed) or --seeds A,B,… (one directory per seed), not both');
  const s = opts.seeds;
  if (!Array.isArray(s) || !s.length || s.some((x) => !Number.isInteger(x))) throw new Error(`--seeds: expected a non-empty list of integers, got ${JSON.stringify(s)}`);
  const dup = s.find((x, i) => s.indexOf(x) !== i);
  if (dup !== undefined) throw new Error(`--seeds: seed ${dup} is listed twice`);
  return { seeds: [...s], layout: 'per-seed' };
}

const CIFAR10: InputSpec = { height: 32, width: 32, channels: 3, numClasses: 10 };
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function delaySummary(architecture: string, input: InputSpec): Promise<DelaySummary> {
  const layers = await architectureLayerCosts(architecture, input);
  const d = delayModel(layers);
  return { architecture, input, constants: d.constants, totalNs: d.totalNs, normalized: d.normalized, oatOverFloat: d.oatOverFloat, convLayers: d.layers.length };
}

/** The paper's ResNet-34 / CIFAR-10 cost figures, computed by this package's cost model. */
export async function paperReference(): Promise<PaperReference> {
  const float = getMethod('float');
  const oatExtra = getMethod('oat').cost?.extraParams;
  if (!oatExtra) throw new Error('paperReference: the oat method declares no cost.extraParams');
  const m = createModel('resnet34', CIFAR10, float.plugins({}), 0);
  try {
    const p = countParams(m);
    const plain = p.base.trainable;
    const { flops } = await modelCost(m, float);
    // The second BN set, as FLOAT's normalization plugins add it (OAT's dual BN is the same size); countParams
    // files extra norm sets under the normalization plugins' names joined by '+'.
    const normPlugins = m.host.plugins.filter((q) => q.normalization?.segments?.length).map((q) => q.name);
    const dualBn = p.byPlugin[normPlugins.join('+')]?.trainable ?? 0;
    return {
      architecture: 'resnet34',
      plainParams: plain,
      floatParams: p.trainable,
      oatParamsRawLambda: plain + oatExtra(m.layers, { dim: 1 }),
      oatParams128: plain + dualBn + oatExtra(m.layers, { dim: 128 }),
      flops: flops.flops,
      delay: await delaySummary('resnet34', CIFAR10),
    };
  } finally {
    m.dispose();
  }
}

/**
 * `float experiment NAME`: trains every run of the experiment on its preset with `runTrain`, evaluates each
 * with `runEval` at the preset's conditions and attack, measures costs (parameters, FLOPs, 8-bit storage, the
 * delay model of Eqs. 7-9, inference latency), and writes report.json, report.md and the plots (SVG + PNG).
 */
export async function runExperiment(name: string, opts: ExperimentOptions): Promise<ExperimentReport> {
  const def = getExperiment(name);
  const preset = getPreset(opts.preset ?? def.preset);
  const t0 = performance.now();
  const progress = new Progress(process.stderr, opts.quiet);
  const { seeds, layout } = seedPlan(opts);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, ...backendRecord(backend) }, backendLine(backend));
  const seed = seeds[0];
  const epochs = opts.epochs ?? preset.epochs;
  const trainLimit = opts.trainLimit ?? preset.trainLimit ?? null;
  mkdirSync(opts.out, { recursive: true });
  const runsRoot = opts.runs ?? opts.out;
  const notes: string[] = opts.runs === undefined || opts.runs === opts.out ? [] : [`Runs are trained and reused in ${runsRoot}/ (run directories below are relative to it).`];
  const registered = new Set(methodNames());
  const results: ExperimentMethodResult[] = [];
  const runs = def.runs.filter((r) => {
    if (registered.has(r.method)) return true;
    if (!r.optional) throw new Error(`experiment "${name}": method "${r.method}" is not registered; expected one of: ${[...registered].join(', ')}`);
    notes.push(`Skipped ${runLabel(r)}: method "${r.method}" is not registered in this build.`);
    progress.log('skip', { run: runLabel(r) }, `skipping ${runLabel(r)}: method "${r.method}" is not registered`);
    return false;
  });

  if (!runs.length) throw new Error(`experiment "${name}": none of its methods is registered (${def.runs.map((r) => r.method).join(', ')})`);
  for (const [k, seed] of seeds.entries()) {
    const subdir = layout === 'per-seed' ? `seed-${seed}` : '';
    const tag = seeds.length > 1 ? `seed ${seed} (${k + 1}/${seeds.length}) ` : '';
    results.push(...(await trainAndEvaluate(runs, preset, { ...opts, out: runsRoot, lambdas: def.evalLambdas, subdir, seed, epochs, trainLimit, init: EXPERIMENT_INIT, backendName: backend.name, notes, progress, tag })));
  }

  // Costs and latency, with every trained model loaded, timed round-robin.
  progress.log('cost', {}, 'measuring costs and inference latency …');
  const models: Model[] = [];
  const narrowModels: Model[] = [];
  let heatmap: Heatmap | null = null;
  const targets: Array<LatencyTarget & { result: ExperimentMethodResult; lambda: number | null; width: number; narrow: boolean }> = [];
  try {
    for (const r of results) {
      // Plugin state too: a pruned model's masks are not in its weights file.
      const { model } = loadCheckpointModel(join(runsRoot, r.dir));
      models.push(model);
      const c = await modelCost(model, getMethod(r.method));
      Object.assign(r, {
        params: c.params,
        flops: c.flops.flops,
        macs: c.flops.macs,
        storageBytes: c.storage.bytes,
        storageBytesFig7b: c.storage.bytesWithoutNormAndScalars,
        delayKind: c.delayKind,
        delayNs: c.delayNs,
        compression: compressionOf(model),
      });
      const seen = new Set<string>();
      for (const s of getMethod(r.method).settings([0, 1], [0], r.methodOptions)) {
        const key = JSON.stringify(s.cond);
        if (seen.has(key)) continue;
        seen.add(key);
        const width = s.cond.width;
        targets.push({ label: `${r.dir}@${s.lambda}${width === 1 ? '' : `:w${width}`}`, model, cond: s.cond, result: r, lambda: s.lambda, width, narrow: false });
      }
      const slim = getMethod(r.method).slim;
      if (slim) {
        const dir = narrowDirOf(r.dir);
        const narrow = loadCheckpointModel(join(runsRoot, dir)).model;
        narrowModels.push(narrow);
        r.slim = { ...(await slimCosts(r, model, narrow, { dir, width: SLIM_EXPORT_WIDTH, widths: slim.widths, method: slim.base })), latency: [] };
        const seenNarrow = new Set<string>();
        for (const s of getMethod(slim.base).settings([0, 1], [0], r.methodOptions)) {
          const key = JSON.stringify(s.cond);
          if (seenNarrow.has(key)) continue;
          seenNarrow.add(key);
          targets.push({ label: `${r.dir}@${s.lambda}:narrow`, model: narrow, cond: s.cond, result: r, lambda: s.lambda, width: SLIM_EXPORT_WIDTH, narrow: true });
        }
      }
    }
    const lat = measureLatency(targets, { batch: preset.eval.batchSize, reps: def.latencyReps, warmup: def.latencyWarmup, seed });
    targets.forEach((t, i) => {
      if (!t.narrow) t.result.latency.byLambda.push({ lambda: t.lambda, width: t.width, medianMs: lat[i].medianMs, minMs: lat[i].minMs, maxMs: lat[i].maxMs });
    });
    for (const r of results) {
      const full = r.latency.byLambda.filter((l) => l.width === 1);
      const at1 = full.find((l) => l.lambda === 1) ?? full.at(-1)!;
      r.latencyMs = at1.medianMs;
      if (r.slim) {
        const narrow = targets.flatMap((t, i) => (t.narrow && t.result === r ? [{ lambda: t.lambda, medianMs: lat[i].medianMs }] : []));
        r.slim.latency = slimLatency(r.latency.byLambda, narrow, SLIM_EXPORT_WIDTH, preset.eval.batchSize);
      }
    }
    // The first seed's models: the heat map shows one model per run.
    const firstSeed = results.flatMap((r, i) => (r.seed === seed ? [{ label: r.label, model: models[i] }] : []));
    if (def.compression) heatmap = heatmapOf(firstSeed, def.compression.heatmapLayer);
  } finally {
    for (const m of [...models, ...narrowModels]) m.dispose();
  }

  const families = familiesAcrossSeeds(seeds.map((sd) => familiesOf(results.filter((r) => r.seed === sd))));
  const architecture = preset.model;
  const input = models[0]?.input ?? { height: 28, width: 28, channels: 1, numClasses: 10 };
  let reference: PaperReference | null = null;
  if (def.paperReference) {
    progress.log('cost', {}, 'computing the paper’s ResNet-34 / CIFAR-10 cost figures …');
    reference = await paperReference();
  }
  if (results.some((r) => r.method === 'float') && !results.some((r) => r.method === 'oat')) {
    notes.push('OAT was not trained, so the OAT bars of the delay plot are analytic only (Eq. 9) and no measured OAT time, latency or accuracy is reported.');
  }
  const report: ExperimentReport = {
    format: 'floatjs-experiment',
    version: 2,
    provenance: provenance({ seed: seeds.length === 1 ? seeds[0] : null }),
    experiment: def.name,
    description: def.description,
    preset: preset.name,
    dataset: preset.dataset,
    architecture,
    backend: backendRecord(backend),
    seed,
    seeds,
    layout,
    init: EXPERIMENT_INIT,
    epochs,
    createdAt: new Date().toISOString(),
    seconds: 0,
    methods: results,
    acrossSeeds: acrossSeeds(results),
    families,
    delayModel: await delaySummary(architecture, input),
    paperReference: reference,
    heatmap,
    notes,
    plots: [],
  };
  progress.log('plots', {}, 'rendering plots …');
  report.seconds = (performance.now() - t0) / 1000;
  await writeReport(report, opts.out);
  return report;
}

/** Groups one seed's trained models by method; PGD-AT's per-λ models add their training time and storage. */
export function familiesOf(results: readonly ExperimentMethodResult[]): ExperimentFamily[] {
  const byMethod = new Map<string, ExperimentMethodResult[]>();
  for (const r of results) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
  const fams: ExperimentFamily[] = [...byMethod].map(([method, rs]) => ({
    method,
    models: rs.map((r) => r.label),
    secondsPerEpoch: rs.reduce((a, r) => a + r.secondsPerEpoch, 0),
    secondsPerEpochStd: 0,
    seeds: 1,
    trainTimeVsFloat: null,
    paramsPerModel: rs[0].params.trainable,
    paramsVsFloat: null,
    storageBytesPerModel: rs[0].storageBytes,
    storageBytesAllModels: rs.reduce((a, r) => a + r.storageBytes, 0),
    storageBytesFig7bPerModel: rs[0].storageBytesFig7b,
    delayNs: rs[0].delayNs,
    latencyMs: median(rs.map((r) => r.latencyMs)),
    latencyMsStd: 0,
  }));
  return withRatiosToFloat(fams);
}
