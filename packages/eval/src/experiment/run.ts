import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, selectBackend, writeFileAtomic, type InputSpec, type Model } from '@floatjs/engine';
import { backendRecord } from '../backend-record';
import { architectureLayerCosts, compressionOf, countParams, delayModel, filmParamsFor, measureLatency, modelCost, type LatencyTarget } from '../cost';
import type { DataOptions } from '../data';
import { loadCheckpointModel } from '../checkpoint-model';
import { runEval } from '../evaluate';
import { exportNarrow } from '../export-narrow';
import { getMethod, methodNames } from '../methods';
import { getPreset } from '../presets';
import { Progress } from '../progress';
import { runTrain } from '../train';
import { experimentMarkdown } from './markdown';
import { writePlots } from './plots';
import { heatmapOf } from './heatmap';
import { getExperiment, runLabel } from './registry';
import { reusableEval, trainedRun } from './reuse';
import { slimCosts, slimLatency } from './slim';
import type { DelaySummary, ExperimentFamily, ExperimentMethodResult, ExperimentReport, Heatmap, PaperReference } from './types';

export interface ExperimentOptions extends DataOptions {
  out: string;
  backend?: string;
  seed?: number;
  /** Override the preset's epochs for every run. */
  epochs?: number;
  /** Evaluate only the first n test images. */
  limit?: number;
  /** Passed to `runEval`: allow one-draw attacks on randomized conditions. */
  allowDeterministic?: boolean;
  quiet?: boolean;
}

/** The width a slimmable run's sub-network is exported at (`<run>/narrow-0.5/`), the paper's SF 0.5. */
export const SLIM_EXPORT_WIDTH = 0.5;
const narrowDirOf = (label: string) => join(label, `narrow-${SLIM_EXPORT_WIDTH}`);

const CIFAR10: InputSpec = { height: 32, width: 32, channels: 3, numClasses: 10 };
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
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
  const m = createModel('resnet34', CIFAR10, float.plugins({}), 0);
  try {
    const p = countParams(m);
    const plain = p.base.trainable;
    const { flops } = await modelCost(m);
    const dualBn = p.byPlugin['dual-norm']?.trainable ?? 0;
    return {
      architecture: 'resnet34',
      plainParams: plain,
      floatParams: p.trainable,
      oatParamsRawLambda: plain + filmParamsFor(m.layers, { encodingDim: 1 }),
      oatParams128: plain + dualBn + filmParamsFor(m.layers, { encodingDim: 128 }),
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
  const preset = getPreset(def.preset);
  const t0 = performance.now();
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? preset.epochs;
  mkdirSync(opts.out, { recursive: true });
  const notes: string[] = [];
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
  for (const [i, run] of runs.entries()) {
    const label = runLabel(run);
    const dir = join(opts.out, label);
    const method = getMethod(run.method);
    const methodOptions: Record<string, unknown> = run.lambda === undefined ? {} : { lambda: run.lambda };
    // A finished run is reused and an interrupted one resumed, so a long experiment survives a crash.
    const trained = trainedRun(dir, { method: run.method, methodOptions, preset: preset.name, seed, epochs });
    let summary;
    if (trained.state === 'done') {
      summary = trained.summary;
      notes.push(`Reused the finished training run in ${label}/ (its summary.json).`);
      progress.log('reuse', { run: label }, `[${i + 1}/${runs.length}] reusing the trained ${label}`);
    } else {
      const verb = trained.state === 'resumable' ? 'resuming' : 'training';
      progress.log('run', { run: label, index: i + 1, of: runs.length, resume: trained.state === 'resumable' }, `[${i + 1}/${runs.length}] ${verb} ${label} …`);
      summary = await runTrain({
        preset: preset.name,
        method: run.method,
        lambda: run.lambda,
        out: dir,
        seed,
        epochs,
        resume: trained.state === 'resumable',
        backend: opts.backend,
        dataDir: opts.dataDir,
        download: opts.download,
        verify: opts.verify,
        quiet: opts.quiet,
      });
    }
    const settings = method.settings(preset.eval.lambdas, preset.eval.lambdaThs).map((s) => ({ lambda: s.lambda, lambdaTh: s.lambdaTh, width: s.cond.width }));
    let ev = reusableEval(dir, { attack: preset.eval.attack, backend: backend.name, testImages: opts.limit ?? preset.testLimit, settings });
    if (ev) {
      notes.push(`Reused the evaluation in ${label}/eval.json (same attack, test images and conditions, newer than the weights).`);
    } else {
      progress.log('run', { run: label }, `[${i + 1}/${runs.length}] evaluating ${label} …`);
      ev = await runEval(dir, { backend: opts.backend, dataDir: opts.dataDir, download: opts.download, verify: opts.verify, quiet: opts.quiet, limit: opts.limit, allowDeterministic: opts.allowDeterministic });
    }
    if (method.slim) {
      // Cheap (a weight slice), so always redone from the current weights.
      const e = await exportNarrow(dir, join(opts.out, narrowDirOf(label)), SLIM_EXPORT_WIDTH);
      notes.push(`Exported the width-${SLIM_EXPORT_WIDTH} sub-network of ${label} to ${narrowDirOf(label)}/ (method \`${e.method}\`, architecture \`${e.architecture}\`; \`float eval\` reads it).`);
    }
    results.push({
      method: run.method,
      label,
      trainLambda: run.lambda ?? null,
      dir: label,
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

  // Costs and latency, with every trained model loaded, timed round-robin.
  progress.log('cost', {}, 'measuring costs and inference latency …');
  const models: Model[] = [];
  const narrowModels: Model[] = [];
  let heatmap: Heatmap | null = null;
  const targets: Array<LatencyTarget & { result: ExperimentMethodResult; lambda: number | null; width: number; narrow: boolean }> = [];
  try {
    for (const r of results) {
      // Plugin state too: a pruned model's masks are not in its weights file.
      const { model } = loadCheckpointModel(join(opts.out, r.dir));
      models.push(model);
      const c = await modelCost(model);
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
      for (const s of getMethod(r.method).settings([0, 1], [0])) {
        const key = JSON.stringify(s.cond);
        if (seen.has(key)) continue;
        seen.add(key);
        const width = s.cond.width;
        targets.push({ label: `${r.label}@${s.lambda}${width === 1 ? '' : `:w${width}`}`, model, cond: s.cond, result: r, lambda: s.lambda, width, narrow: false });
      }
      const slim = getMethod(r.method).slim;
      if (slim) {
        const dir = narrowDirOf(r.dir);
        const narrow = loadCheckpointModel(join(opts.out, dir)).model;
        narrowModels.push(narrow);
        r.slim = { ...(await slimCosts(r, model, narrow, { dir, width: SLIM_EXPORT_WIDTH, widths: slim.widths, method: slim.base })), latency: [] };
        const seenNarrow = new Set<string>();
        for (const s of getMethod(slim.base).settings([0, 1], [0])) {
          const key = JSON.stringify(s.cond);
          if (seenNarrow.has(key)) continue;
          seenNarrow.add(key);
          targets.push({ label: `${r.label}@${s.lambda}:narrow`, model: narrow, cond: s.cond, result: r, lambda: s.lambda, width: SLIM_EXPORT_WIDTH, narrow: true });
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
    if (def.compression) heatmap = heatmapOf(results.map((r, i) => ({ label: r.label, model: models[i] })), def.compression.heatmapLayer);
  } finally {
    for (const m of [...models, ...narrowModels]) m.dispose();
  }

  const families = familiesOf(results);
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
    version: 1,
    experiment: def.name,
    description: def.description,
    preset: preset.name,
    dataset: preset.dataset,
    architecture,
    backend: backendRecord(backend),
    seed,
    epochs,
    createdAt: new Date().toISOString(),
    seconds: 0,
    methods: results,
    families,
    delayModel: await delaySummary(architecture, input),
    paperReference: reference,
    heatmap,
    notes,
    plots: [],
  };
  progress.log('plots', {}, 'rendering plots …');
  report.plots = await writePlots(report, opts.out);
  report.seconds = (performance.now() - t0) / 1000;
  writeFileAtomic(join(opts.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(opts.out, 'report.md'), experimentMarkdown(report));
  return report;
}

/** Groups the trained models by method; PGD-AT's per-λ models add their training time and storage. */
export function familiesOf(results: readonly ExperimentMethodResult[]): ExperimentFamily[] {
  const byMethod = new Map<string, ExperimentMethodResult[]>();
  for (const r of results) byMethod.set(r.method, [...(byMethod.get(r.method) ?? []), r]);
  const fams: ExperimentFamily[] = [...byMethod].map(([method, rs]) => ({
    method,
    models: rs.map((r) => r.label),
    secondsPerEpoch: rs.reduce((a, r) => a + r.secondsPerEpoch, 0),
    trainTimeVsFloat: null,
    paramsPerModel: rs[0].params.trainable,
    paramsVsFloat: null,
    storageBytesPerModel: rs[0].storageBytes,
    storageBytesAllModels: rs.reduce((a, r) => a + r.storageBytes, 0),
    storageBytesFig7bPerModel: rs[0].storageBytesFig7b,
    delayNs: rs[0].delayNs,
    latencyMs: median(rs.map((r) => r.latencyMs)),
  }));
  const float = fams.find((f) => f.method === 'float');
  if (float) {
    for (const f of fams) {
      f.trainTimeVsFloat = f.secondsPerEpoch / float.secondsPerEpoch;
      f.paramsVsFloat = f.paramsPerModel / float.paramsPerModel;
    }
  }
  return fams;
}
