import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { obfuscatedGradientsChecklist, type ChecklistReport } from '@floatjs/attacks';
import { batches } from '@floatjs/datasets';
import type { Dataset } from '@floatjs/datasets';
import { conditionKey, Rng } from '@floatjs/engine';
import { writeFileAtomic } from '@floatjs/checkpoint';
import { selectBackend, type BackendChoice } from '@floatjs/backend';
import { provenance, type Provenance } from '../report/provenance';
import { backendLine, backendRecord, type BackendRecord } from '../report/backend-record';
import { loadSplit, type DataOptions } from '../recipes/data';
import { checkpointTarget, sourceModel, type EvalTarget } from './evaluate';
import { renderSvg, svgToPng, type VegaLiteSpec } from '../report/plots';
import { getMethod } from '../recipes/methods';
import { getPreset } from '../recipes/presets';
import { Progress } from '../report/progress';
import { loadMethodOf, loadRecipeMethod } from '../recipes/method-module';
import { loadRecipe } from '../recipes/recipe';

export interface CheckOptions extends DataOptions {
  /** λ values to check (default 0 and 1: the deterministic and the most randomized condition). */
  lambdas?: number[];
  /** λ_th values (Eq. 6), default [0]; every (λ, λ_th) pair is checked. */
  lambdaThs?: number[];
  /** @deprecated one λ_th; use `lambdaThs`. */
  lambdaTh?: number;
  /** A checkpoint to craft transfer (black-box) examples on; without it check (ii) is skipped. */
  source?: string;
  limit?: number;
  eot?: number;
  out?: string;
  backend?: string;
  quiet?: boolean;
}

export interface CheckReport {
  format: 'floatjs-check';
  checkpoint: string;
  method: string;
  preset: string;
  backend: BackendRecord;
  source: string | null;
  testImages: number;
  conditions: Array<{ lambda: number | null; lambdaTh: number | null; randomized: boolean; eot: number; report: ChecklistReport }>;
  passed: boolean;
  seconds: number;
  plots: string[];
  /** Versions, git commit, weights sha256, date, seed, command line. */
  provenance?: Provenance;
}

/** `float check DIR`: the obfuscated-gradients checklist (paper Table 2) per condition, measured, with plots. */
export async function runCheck(dir: string, opts: CheckOptions = {}): Promise<CheckReport> {
  const t0 = performance.now();
  const recipe = loadRecipe(dir);
  await loadRecipeMethod(recipe, dir);
  if (opts.source) await loadMethodOf(opts.source);
  const preset = getPreset(recipe.preset);
  // An unknown preset or method is refused before the backend starts.
  getMethod(recipe.method);
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, ...backendRecord(backend) }, backendLine(backend));
  return checkTarget(checkpointTarget(dir, recipe, preset), opts, { progress, backend, out: opts.out ?? dir, t0 });
}

/** Runs the checklist on every setting of `target` (a checkpoint's or a user model's) and writes the files. */
export async function checkTarget(
  target: EvalTarget,
  opts: CheckOptions,
  run: { progress: Progress; backend: BackendChoice; out: string; t0: number },
): Promise<CheckReport> {
  const { progress, backend, out, t0 } = run;
  const { preset } = target;
  let test: Dataset;
  try {
    test = await loadSplit(preset, 'test', opts, opts.limit ?? Math.min(preset.testLimit ?? 500, 500));
  } catch (err) {
    target.dispose();
    throw err;
  }
  const [b] = batches(test, { batchSize: test.n });
  const x = tf.tensor4d(b.x, [b.size, test.height, test.width, test.channels]);
  const y = tf.tensor1d(b.y, 'int32');
  const eotRandomized = opts.eot ?? preset.eval.eot;
  const conditions: CheckReport['conditions'] = [];
  try {
    target.prepare?.(x, test);
    const settings = target.settings(opts.lambdas ?? [0, 1], opts.lambdaThs ?? [opts.lambdaTh ?? 0]);
    for (const s of settings) {
      const eot = s.randomized ? eotRandomized : 1;
      const src = opts.source ? sourceModel(opts.source, s.lambda, eotRandomized) : undefined;
      try {
        progress.log('check', { lambda: s.lambda, lambdaTh: s.lambdaTh, eot }, `checklist at λ=${s.lambda ?? '–'} (${s.randomized ? `randomized, EOT ${eot}` : 'deterministic'}) …`);
        const logitsFn = target.logitsFn(s, Rng.derive(target.seed, `check:${conditionKey(s.cond)}`));
        const report = await obfuscatedGradientsChecklist(logitsFn, x, y, {
          eps: preset.eval.attack.eps,
          steps: preset.eval.attack.steps,
          eot,
          seed: target.seed,
          batchSize: preset.eval.batchSize,
          ...(src ? { sourceLogitsFn: src.logitsFn } : {}),
        });
        conditions.push({ lambda: s.lambda, lambdaTh: s.lambdaTh, randomized: s.randomized, eot, report });
        for (const c of report.checks) progress.log('check-result', { lambda: s.lambda, id: c.id, passed: c.passed }, `  (${c.id}) ${c.name}: ${c.passed === null ? 'skipped' : c.passed ? 'pass' : 'FAIL'}`);
      } finally {
        src?.dispose();
      }
    }
  } finally {
    tf.dispose([x, y]);
    target.dispose();
  }
  mkdirSync(out, { recursive: true });
  const report: CheckReport = {
    format: 'floatjs-check',
    checkpoint: target.checkpoint,
    method: target.method,
    preset: preset.name,
    backend: backendRecord(backend),
    source: opts.source ?? null,
    testImages: test.n,
    conditions,
    passed: conditions.every((c) => c.report.passed),
    seconds: 0,
    plots: [],
    provenance: provenance({ seed: target.seed, weightsSha256: target.weightsSha256 }),
  };
  await writeCheckFiles(report, out, t0);
  return report;
}

/** Writes the plots, then check.json and check.md (made from the report alone) into `out`. */
async function writeCheckFiles(report: CheckReport, out: string, t0?: number): Promise<void> {
  report.plots = [];
  for (const [name, spec] of [
    ['check-eps', curveSpec(report, 'eps')],
    ['check-steps', curveSpec(report, 'steps')],
  ] as const) {
    const svg = await renderSvg(spec);
    writeFileSync(join(out, `${name}.svg`), svg);
    writeFileSync(join(out, `${name}.png`), await svgToPng(svg));
    writeFileSync(join(out, `${name}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
    report.plots.push(`${name}.svg`, `${name}.png`);
  }
  if (t0 !== undefined) report.seconds = (performance.now() - t0) / 1000;
  writeFileAtomic(join(out, 'check.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(out, 'check.md'), checkMarkdown(report));
}

/** `float check DIR --render`: re-makes check.md and the plots of DIR from its check.json (no attacks). */
export async function renderCheck(dir: string): Promise<CheckReport> {
  const file = join(dir, 'check.json');
  let report: CheckReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as CheckReport;
  } catch (e) {
    throw new Error(`${file}: not a readable checklist report (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
  if (report?.format !== 'floatjs-check') throw new Error(`${file}: not a checklist report (format ${JSON.stringify(report?.format)})`);
  await writeCheckFiles(report, dir);
  return report;
}

/** A condition's legend label; λ_th is named only when the report checks more than one. */
const condLabel = (c: CheckReport['conditions'][number], r: CheckReport) => {
  const th = new Set(r.conditions.map((k) => k.lambdaTh)).size > 1 ? `, λ_th = ${c.lambdaTh}` : '';
  return `${c.lambda === null ? 'the model' : `λ = ${c.lambda}`}${th}${c.randomized ? ` (randomized, EOT ${c.eot})` : ''}`;
};

/** Fig. 10: RA against ε (a) or against the PGD step count K (b), one line per condition. */
export function curveSpec(r: CheckReport, axis: 'eps' | 'steps'): VegaLiteSpec {
  const values = r.conditions.flatMap((c) =>
    (axis === 'eps' ? c.report.curves.eps : c.report.curves.steps).map((p) => ({ condition: condLabel(c, r), x: axis === 'eps' ? (p as { eps: number }).eps : (p as { steps: number }).steps, ra: p.robustAccuracy })),
  );
  const title = axis === 'eps' ? 'Robust accuracy as ε grows (Fig. 10a)' : 'Robust accuracy as PGD steps K grow (Fig. 10b)';
  const xTitle = axis === 'eps' ? 'ε (pixel units, inputs in [0, 1])' : 'PGD steps K';
  const xs = values.map((v) => v.x);
  const xDomain = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    // Two short subtitle lines: vega sizes the canvas by an estimate of the text's width, which runs long.
    title: { text: title, subtitle: [`${r.method} on ${r.preset}, ${r.testImages} test images`, `honest gradients give a curve that falls ${axis === 'eps' ? 'to 0%' : 'and then flattens'}`] },
    width: 480,
    height: 300,
    background: 'white',
    padding: 12,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      // The axis ends at the data (a nice log scale ran K to 100 past a last point at 50).
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: { ...(axis === 'steps' ? { type: 'log' } : {}), domain: xDomain, nice: false } },
      y: { field: 'ra', type: 'quantitative', title: 'robust accuracy RA (%)', scale: { domain: [0, 100] } },
      color: { field: 'condition', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 480 } },
    },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
  };
}

export function checkMarkdown(r: CheckReport): string {
  const L = [`# Obfuscated-gradients checklist: \`${r.checkpoint}\``, ''];
  L.push(`- method \`${r.method}\`, preset \`${r.preset}\`, ${r.testImages} test images, backend ${r.backend.name}`);
  L.push(`- transfer source: ${r.source ? `\`${r.source}\`` : 'none (check ii skipped; pass --source DIR)'}`);
  L.push(`- randomized conditions are attacked with EOT (gradients averaged over the stated number of forward draws)`, '');
  for (const c of r.conditions) {
    L.push(`## ${condLabel(c, r)}`, '', `CA ${c.report.cleanAccuracy.toFixed(1)}%, white-box PGD RA ${c.report.pgdRobustAccuracy.toFixed(1)}% at ε = ${c.report.eps}`, '');
    L.push('| check | result | figures |', '|---|---|---|');
    for (const k of c.report.checks) {
      const figs = Object.entries(k.figures)
        .map(([n, v]) => `${n} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
        .join(', ');
      L.push(`| (${k.id}) ${k.name} | ${k.passed === null ? 'skipped' : k.passed ? 'pass' : '**FAIL**'} | ${figs}${k.note ? ` — ${k.note}` : ''} |`);
    }
    L.push('');
    L.push(`RA vs ε: ${c.report.curves.eps.map((p) => `${p.eps}: ${p.robustAccuracy.toFixed(1)}`).join(', ')}`, '');
    L.push(`RA vs K: ${c.report.curves.steps.map((p) => `${p.steps}: ${p.robustAccuracy.toFixed(1)}`).join(', ')}`, '');
  }
  L.push(`Overall: ${r.passed ? 'every check that ran passed' : 'at least one check failed — a warning sign of gradient masking'}.`, '');
  L.push(...r.plots.filter((p) => p.endsWith('.png')).map((p) => `![${p}](${p})`), '');
  return `${L.join('\n')}\n`;
}
