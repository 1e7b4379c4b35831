import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@floatjs/checkpoint';
import { provenance } from '../../report/provenance';
import { getPreset } from '../../recipes/presets';
import { getExperiment } from '../registry';
import { runExperiment, type ExperimentOptions } from '../run';
import type { ExperimentReport } from '../types';
import { paperClaims } from './claims';
import { FIGURES, type AttackExtra, type CheckExtra } from './experiments';
import type { ExtraOptions } from './extra-evals';
import { paperMarkdown } from './markdown';
import { writeFigurePlots } from './plots';
import type { FigureReport, PaperPart, PaperReport, Reports } from './types';

export interface PaperOptions extends ExperimentOptions {
  aaLimit?: number;
  aaIter?: number;
  aaQueries?: number;
  aaEot?: number;
}

/** Every small-scale analogue of the paper, in the order they are run: the older experiments, then the figure ones. */
export const PAPER_PARTS = ['fmnist-compare', 'fmnist-compress', 'fmnist-slim', 'fmnist-oat-sensitivity', 'fmnist-noise-rescale', 'fmnist-lambda-n', 'fmnist-attacks', 'fmnist-eps-steps'] as const;

export const isFigureExperiment = (name: string) => name in FIGURES;

/**
 * A figure experiment: the experiment's runs (trained, or reused from `opts.runs`), its extra measurements
 * (other attacks, the checklist), then figure.json and each figure's plot made from it.
 */
export async function runFigure(name: string, opts: PaperOptions): Promise<{ report: ExperimentReport; figure: FigureReport; extra: unknown }> {
  const def = FIGURES[name];
  if (!def) throw new Error(`experiment "${name}" has no figure`);
  const report = await runExperiment(name, opts);
  const runs = opts.runs ?? opts.out;
  const ctxOpts: ExtraOptions = { runs, backend: opts.backend, quiet: opts.quiet, limit: opts.limit, aaLimit: opts.aaLimit, aaIter: opts.aaIter, aaQueries: opts.aaQueries, aaEot: opts.aaEot, allowDeterministic: opts.allowDeterministic, dataDir: opts.dataDir, download: opts.download, verify: opts.verify };
  const extra = def.extra ? await def.extra({ report, opts: ctxOpts }) : null;
  const figure: FigureReport = { format: 'floatjs-figure', version: 1, experiment: name, figures: def.figures(report, extra?.data), extra: extra?.measurements ?? [], plots: [] };
  figure.plots = await writeFigurePlots(figure.figures, opts.out);
  writeFileAtomic(join(opts.out, 'figure.json'), `${JSON.stringify(figure, null, 2)}\n`);
  return { report, figure, extra: extra?.data };
}

/** Re-makes a figure experiment's plots from its figure.json. */
export async function renderFigure(dir: string): Promise<FigureReport> {
  const f = JSON.parse(readFileSync(join(dir, 'figure.json'), 'utf8')) as FigureReport;
  if (f?.format !== 'floatjs-figure') throw new Error(`${dir}/figure.json: not a figure report`);
  f.plots = await writeFigurePlots(f.figures, dir);
  return f;
}

export const PAPER_RULES = [
  'A comparison "a vs b" of one figure across seeds: *higher* when mean(a) − mean(b) > std(a) + std(b) (sample stds across seeds, added), *lower* when mean(b) − mean(a) > std(a) + std(b), a *tie* otherwise; with fewer than 2 seeds on a side it is *untestable*.',
  '"A beats B" is reproduced only if no compared cell is lower and at least one is higher (and, where the claim names CA and RA, one of each); any lower cell, or ties only, is not reproduced; an untestable cell makes the claim not testable at this scale.',
  '"A is similar to / not worse than B" is reproduced when no cell is lower beyond the combined std: a loss was not detected, which is not proof of equality.',
  'A claim with several parts takes its weakest part’s verdict (not reproduced before not testable before reproduced).',
  'Fixed quantities (parameter counts, the analytic delay model of Eqs. 7–9) have no seed spread and are compared exactly; analytic figures must match the paper within 3%.',
  'Fig. 2(b): a λ-set effect must be beyond the combined std and at least 5 points. Fig. 10(b): a plateau is a change of at most 2 points over the last step interval. Table 2: a check must pass for every seed (the checklist’s own 2-point tolerance).',
  'Training time and latency are wall-clock figures of this machine (shared CPUs); the paper’s are GPU figures. Randomized conditions (λn > 0) are attacked with the preset’s EOT; AutoAttack with the flags given.',
];

function scaleOf(opts: PaperOptions, preset: ReturnType<typeof getPreset>): string {
  const reduced: string[] = [];
  if (opts.epochs !== undefined && opts.epochs !== preset.epochs) reduced.push(`--epochs ${opts.epochs} (preset: ${preset.epochs})`);
  if (opts.trainLimit !== undefined && opts.trainLimit !== preset.trainLimit) reduced.push(`--train-limit ${opts.trainLimit} (preset: ${preset.trainLimit ?? 'all'})`);
  if (opts.limit !== undefined && opts.limit !== preset.testLimit) reduced.push(`--limit ${opts.limit} (preset: ${preset.testLimit ?? 'all'})`);
  for (const [k, v] of [['--aa-limit', opts.aaLimit], ['--aa-iter', opts.aaIter], ['--aa-queries', opts.aaQueries], ['--aa-eot', opts.aaEot]] as const) if (v !== undefined) reduced.push(`${k} ${v}`);
  return reduced.length ? `REDUCED ${preset.name}: ${reduced.join(', ')}` : `${preset.name} as defined (AutoAttack on ${opts.aaLimit ?? 200} images)`;
}

/**
 * `float experiment paper`: every small-scale analogue of the paper, its runs shared in `<out>/runs/` (a run of
 * the same label and recipe is trained once and reused by every experiment), then one reproduction report:
 * report.json (first, with provenance), report.md and the figures' plots made from it.
 */
export async function runPaper(opts: PaperOptions): Promise<PaperReport> {
  const t0 = performance.now();
  const preset = getPreset(opts.preset ?? getExperiment('fmnist-compare').preset);
  const runs = opts.runs ?? join(opts.out, 'runs');
  mkdirSync(opts.out, { recursive: true });
  const reports: Reports = {};
  const extras: { attacks?: AttackExtra; checks?: CheckExtra } = {};
  const parts: PaperPart[] = [];
  const figures: FigureReport[] = [];
  for (const name of PAPER_PARTS) {
    const t = performance.now();
    const sub = { ...opts, out: join(opts.out, name), runs };
    let report: ExperimentReport;
    let reusedEvals = 0;
    if (isFigureExperiment(name)) {
      const f = await runFigure(name, sub);
      report = f.report;
      figures.push(f.figure);
      reusedEvals += f.figure.extra.filter((m) => m.reused).length;
      if (name === 'fmnist-attacks') extras.attacks = f.extra as AttackExtra;
      if (name === 'fmnist-eps-steps') extras.checks = f.extra as CheckExtra;
    } else {
      report = await runExperiment(name, sub);
    }
    reports[name] = report;
    const reusedRuns = report.notes.filter((n) => n.startsWith('Reused the finished training run')).length;
    reusedEvals += report.notes.filter((n) => n.startsWith('Reused the evaluation')).length;
    parts.push({ experiment: name, reusedRuns, trainedRuns: report.methods.length - reusedRuns, reusedEvals, seconds: (performance.now() - t) / 1000, dir: name });
  }
  const first = reports['fmnist-compare']!;
  const report: PaperReport = {
    format: 'floatjs-paper-report',
    version: 1,
    preset: preset.name,
    dataset: preset.dataset,
    architecture: preset.model,
    seeds: first.seeds,
    epochs: first.epochs,
    trainLimit: opts.trainLimit ?? preset.trainLimit ?? null,
    testImages: first.methods[0]?.testImages ?? 0,
    scale: scaleOf(opts, preset),
    createdAt: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
    provenance: provenance({ seed: null }),
    rules: PAPER_RULES,
    parts,
    claims: paperClaims({ reports, extras }),
    figures: figures.flatMap((f) => f.figures),
    notes: [
      `Runs are shared in ${runs}/: a run of the same label and recipe (method, options, preset, seed, epochs, training images, init) is trained once and reused by every experiment that lists it.`,
      ...(first.seeds.length < 2 ? ['One seed: every comparison between methods is untestable (no spread), so those claims are "not testable at this scale".'] : []),
    ],
    plots: [],
  };
  await writePaperReport(report, opts.out);
  return report;
}

/** report.json first (the source of everything else), then the plots and report.md made from it. */
export async function writePaperReport(report: PaperReport, dir: string): Promise<void> {
  report.plots = report.figures.flatMap((f) => [`${f.id}.svg`, `${f.id}.png`]);
  writeFileAtomic(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFigurePlots(report.figures, dir);
  writeFileAtomic(join(dir, 'report.md'), paperMarkdown(report));
}

/** `float experiment paper --render`: report.md and the plots again from report.json. */
export async function renderPaper(dir: string): Promise<PaperReport> {
  const r = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as PaperReport;
  if (r?.format !== 'floatjs-paper-report') throw new Error(`${dir}/report.json: not a paper reproduction report (format ${JSON.stringify(r?.format)})`);
  await writePaperReport(r, dir);
  return r;
}
