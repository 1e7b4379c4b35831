import { registerExperiment, OAT_PAPER_LAMBDAS, PGD_AT_LAMBDAS, type ExperimentRun } from '../registry';
import { acrossSeeds, stat } from '../seeds';
import type { ExperimentMethodResult, ExperimentReport, SeedAggregate, Stat } from '../types';
import type { EvalRow } from '../../commands/evaluate';
import type { CheckReport } from '../../commands/check';
import { extraCheck, extraEval, type ExtraOptions } from './extra-evals';
import type { ExtraMeasurement, FigureData, FigurePoint } from './types';

/** Fig. 2(b): the λ sets OAT is trained with. Each contains the evaluation set S_λ = {0, 0.2, 0.7, 1}. */
export const OAT_SENSITIVITY_SETS: ReadonlyArray<{ label: string; lambdas: number[] }> = [
  { label: 'oat', lambdas: [...OAT_PAPER_LAMBDAS] },
  { label: 'oat-dense-low', lambdas: [0, 0.1, 0.2, 0.3, 0.4, 0.7, 1] },
  { label: 'oat-dense-high', lambdas: [0, 0.2, 0.5, 0.7, 0.8, 0.9, 1] },
];
/** Fig. 3: the noise re-scaling factors λn the PNI model is evaluated at. */
export const NOISE_RESCALE_LAMBDAS = [0, 0.2, 0.4, 0.6, 0.8, 1];
/** Fig. 9(c): AutoAttack runs on the first 200 test images unless told otherwise (it is the slowest attack). */
export const AA_DEFAULT_IMAGES = 200;

const OAT_RUN: ExperimentRun = { method: 'oat', methodOptions: { lambdas: [...OAT_PAPER_LAMBDAS] }, optional: true };
const PGD_AT_RUNS: ExperimentRun[] = PGD_AT_LAMBDAS.map((lambda) => ({ method: 'pgd-at', lambda }));

registerExperiment({
  name: 'fmnist-oat-sensitivity',
  description: 'Fig. 2(b): OAT trained with three λ sets S_λ ({0, 0.2, 0.7, 1}, {0, 0.1, 0.2, 0.3, 0.4, 0.7, 1}, {0, 0.2, 0.5, 0.7, 0.8, 0.9, 1}), each evaluated at λ ∈ {0, 0.2, 0.7, 1}: how much CA/RA move with the training λ set',
  preset: 'fmnist-quick',
  runs: OAT_SENSITIVITY_SETS.map((s) => ({ method: 'oat', methodOptions: { lambdas: s.lambdas }, label: s.label, optional: true })),
});

registerExperiment({
  name: 'fmnist-noise-rescale',
  description: 'Fig. 3: a model trained with weight noise (PNI: PGD-AT, one BN, W + α·η), evaluated with the noise re-scaled by λn ∈ {0, 0.2, …, 1}: CA and RA against λn',
  preset: 'fmnist-quick',
  runs: [{ method: 'pni' }],
  evalLambdas: NOISE_RESCALE_LAMBDAS,
});

registerExperiment({
  name: 'fmnist-lambda-n',
  description: 'Fig. 5: one FLOAT model at λ ∈ {0, 0.2, 0.7, 1} for λ_th = 0 and 0.5 (Eq. 6 maps λ to BN and λn): the CA–RA trade-off per λ_th',
  preset: 'fmnist-quick',
  runs: [{ method: 'float' }],
});

registerExperiment({
  name: 'fmnist-attacks',
  description: 'Fig. 9: FLOAT vs OAT under PGD-20 and FGSM, and FLOAT (AutoAttack-rand) vs PGD-AT per λ (AutoAttack standard), as CA–RA curves',
  preset: 'fmnist-quick',
  runs: [{ method: 'float' }, OAT_RUN, ...PGD_AT_RUNS],
});

registerExperiment({
  name: 'fmnist-eps-steps',
  description: 'Fig. 10 / Table 2: FLOAT at λ = 1, RA against the PGD bound ε and against the step count K (the obfuscated-gradients checklist, per seed; check (ii) crafts on another seed’s model)',
  preset: 'fmnist-quick',
  runs: [{ method: 'float' }],
});

/** A fixed number as a Stat (an x coordinate that does not vary). */
export const fixedStat = (v: number): Stat => ({ mean: v, std: 0, n: 1, values: [v] });

const lamLabel = (l: number | null) => (l === null ? 'fixed model' : `λ = ${l}`);
const seedLine = (r: ExperimentReport) => `${r.preset} · ${r.architecture} · ${r.seeds.length} seed(s) (${r.seeds.join(', ')}) · mean ± std across seeds`;
const th0 = (a: SeedAggregate) => a.rows.filter((x) => (x.lambdaTh ?? 0) === 0 && x.width === 1);

/** CA–RA points of one run (λ_th = 0, full width), or of a PGD-AT family (one point per model). */
function caRaPoints(aggs: readonly SeedAggregate[]): FigurePoint[] {
  return aggs.flatMap((a) => th0(a).map((row) => ({ x: row.ca, y: row.ra, label: lamLabel(a.trainLambda ?? row.lambda) })));
}

/** Aggregates extra per-seed rows (another attack's) like the report's own `acrossSeeds`. */
export function extraAcrossSeeds(results: ReadonlyArray<{ result: ExperimentMethodResult; rows: EvalRow[] }>): SeedAggregate[] {
  return acrossSeeds(results.map(({ result, rows }) => ({ ...result, rows })));
}

export interface FigureContext {
  report: ExperimentReport;
  opts: ExtraOptions;
}

export interface FigureDef {
  /** Extra measurements on the trained runs (other attacks, the checklist). */
  extra?: (ctx: FigureContext) => Promise<{ data: unknown; measurements: ExtraMeasurement[] }>;
  figures: (report: ExperimentReport, extra: unknown) => FigureData[];
}

export interface AttackExtra {
  fgsm: SeedAggregate[];
  autoattack: SeedAggregate[];
  aaImages: number;
  aaAttack: Record<string, string>;
}

export interface CheckExtra {
  /** Per seed: that seed's checklist at λ = 1. */
  checks: Array<{ seed: number; report: CheckReport }>;
}

/** RA (or any y) per x of several per-seed curves, as mean ± std at each x every seed has. */
export function curveAcrossSeeds(curves: ReadonlyArray<ReadonlyArray<{ x: number; y: number }>>): FigurePoint[] {
  const xs = [...new Set(curves.flatMap((c) => c.map((p) => p.x)))].sort((a, b) => a - b);
  return xs.map((x) => ({ x: fixedStat(x), y: stat(curves.flatMap((c) => c.filter((p) => p.x === x).map((p) => p.y))), label: String(x) }));
}

export const FIGURES: Record<string, FigureDef> = {
  'fmnist-oat-sensitivity': {
    figures: (r) => [
      {
        id: 'fig-2b',
        figure: 'Fig. 2(b)',
        title: 'OAT’s CA–RA per training λ set (cf. FLOAT paper, Fig. 2b)',
        subtitle: [seedLine(r), 'each set evaluated at λ ∈ {0, 0.2, 0.7, 1}'],
        xTitle: 'clean accuracy CA (%)',
        yTitle: 'robust accuracy RA (%)',
        series: r.acrossSeeds.map((a) => ({ name: `${a.label} S_λ = {${((r.methods.find((m) => m.label === a.label)?.methodOptions.lambdas as number[]) ?? []).join(', ')}}`, points: caRaPoints([a]) })),
      },
    ],
  },
  'fmnist-noise-rescale': {
    figures: (r) => {
      const a = r.acrossSeeds.find((x) => x.method === 'pni');
      const rows = a ? [...a.rows].sort((p, q) => (p.lambda ?? 0) - (q.lambda ?? 0)) : [];
      return [
        {
          id: 'fig-3',
          figure: 'Fig. 3',
          title: 'Post-training noise re-scaling of a noise-trained model (cf. FLOAT paper, Fig. 3)',
          subtitle: [seedLine(r), 'PNI (PGD-AT with weight noise α·η), evaluated with λn·α·η'],
          xTitle: 'noise re-scaling factor λn',
          yTitle: 'accuracy (%)',
          series: [
            { name: 'clean accuracy CA', points: rows.map((x) => ({ x: fixedStat(x.lambda ?? 0), y: x.ca, label: `λn = ${x.lambda}` })) },
            { name: 'robust accuracy RA', points: rows.map((x) => ({ x: fixedStat(x.lambda ?? 0), y: x.ra, label: `λn = ${x.lambda}` })) },
          ],
        },
      ];
    },
  },
  'fmnist-lambda-n': {
    figures: (r) => {
      const a = r.acrossSeeds.find((x) => x.method === 'float');
      const ths = [...new Set((a?.rows ?? []).map((x) => x.lambdaTh ?? 0))].sort();
      return [
        {
          id: 'fig-5',
          figure: 'Fig. 5',
          title: 'FLOAT’s trade-off along λ for two λ_th (cf. FLOAT paper, Fig. 5)',
          subtitle: [seedLine(r), 'λ_th = 0: BN_A for every λ > 0; λ_th = 0.5: BN_C up to λ = 0.5 (Eq. 6)'],
          xTitle: 'clean accuracy CA (%)',
          yTitle: 'robust accuracy RA (%)',
          series: ths.map((th) => ({
            name: `λ_th = ${th}`,
            points: (a?.rows ?? []).filter((x) => (x.lambdaTh ?? 0) === th).map((x) => ({ x: x.ca, y: x.ra, label: `λ = ${x.lambda} (λn ${x.lambdaN.toFixed(2)}, BN_${x.norm === 'adv' ? 'A' : 'C'})` })),
          })),
        },
      ];
    },
  },
  'fmnist-attacks': {
    async extra({ report, opts }) {
      const testImages = report.methods[0]?.testImages ?? 0;
      const aaImages = Math.min(opts.aaLimit ?? AA_DEFAULT_IMAGES, testImages);
      const measurements: ExtraMeasurement[] = [];
      const fgsm: Array<{ result: ExperimentMethodResult; rows: EvalRow[] }> = [];
      const aa: Array<{ result: ExperimentMethodResult; rows: EvalRow[] }> = [];
      const aaAttack: Record<string, string> = {};
      for (const r of report.methods) {
        if (r.method === 'float' || r.method === 'oat') {
          const e = await extraEval(r, 'fgsm', { ...opts, testImages, lambdaThs: [0] });
          fgsm.push({ result: r, rows: e.rows });
          measurements.push(e.measurement);
        }
        if (r.method === 'float' || r.method === 'pgd-at') {
          // The paper's Fig. 9c: the 'rand' version for FLOAT (randomized at λ > 0), the standard one for PGD-AT.
          const attack = r.method === 'float' ? 'autoattack-rand' : 'autoattack-standard';
          aaAttack[r.label] = attack;
          const e = await extraEval(r, attack, { ...opts, testImages: aaImages, lambdaThs: [0] });
          aa.push({ result: r, rows: e.rows });
          measurements.push(e.measurement);
        }
      }
      const data: AttackExtra = { fgsm: extraAcrossSeeds(fgsm), autoattack: extraAcrossSeeds(aa), aaImages, aaAttack };
      return { data, measurements };
    },
    figures: (r, extra) => {
      const x = extra as AttackExtra;
      const by = (aggs: readonly SeedAggregate[], m: string) => aggs.filter((a) => a.method === m);
      const series = (aggs: readonly SeedAggregate[], methods: string[]) => methods.map((m) => ({ name: m === 'pgd-at' ? 'PGD-AT (one model per λ)' : m.toUpperCase(), points: caRaPoints(by(aggs, m)) })).filter((s) => s.points.length);
      const common = { xTitle: 'clean accuracy CA (%)', yTitle: 'robust accuracy RA (%)' };
      return [
        { id: 'fig-9a', figure: 'Fig. 9(a)', title: 'FLOAT vs OAT under PGD-20 (cf. FLOAT paper, Fig. 9a)', subtitle: [seedLine(r), `${r.methods[0]?.attack.name ?? ''}, ${r.methods[0]?.testImages ?? 0} test images, λ_th = 0`], ...common, series: series(r.acrossSeeds, ['float', 'oat']) },
        { id: 'fig-9b', figure: 'Fig. 9(b)', title: 'FLOAT vs OAT under FGSM (cf. FLOAT paper, Fig. 9b)', subtitle: [seedLine(r), `FGSM at ε = ${r.methods[0]?.attack.eps ?? ''}, λ_th = 0`], ...common, series: series(x?.fgsm ?? [], ['float', 'oat']) },
        { id: 'fig-9c', figure: 'Fig. 9(c)', title: 'FLOAT vs PGD-AT under AutoAttack (cf. FLOAT paper, Fig. 9c)', subtitle: [seedLine(r), `${x?.aaImages ?? 0} test images; FLOAT: autoattack-rand (headline: lower of it and PGD EOT ≥ 10), PGD-AT: autoattack-standard`], ...common, series: series(x?.autoattack ?? [], ['float', 'pgd-at']) },
      ];
    },
  },
  'fmnist-eps-steps': {
    async extra({ report, opts }) {
      const floats = report.methods.filter((m) => m.method === 'float');
      const testImages = Math.min(report.methods[0]?.testImages ?? 0, 500);
      const checks: CheckExtra['checks'] = [];
      const measurements: ExtraMeasurement[] = [];
      for (const [i, r] of floats.entries()) {
        // Check (ii): transfer examples crafted on the next seed's independently trained model.
        const source = floats.length > 1 ? floats[(i + 1) % floats.length] : undefined;
        const c = await extraCheck(r, { ...opts, testImages, source });
        checks.push({ seed: r.seed, report: c.report });
        measurements.push(c.measurement);
      }
      const data: CheckExtra = { checks };
      return { data, measurements };
    },
    figures: (r, extra) => {
      const checks = (extra as CheckExtra | undefined)?.checks ?? [];
      const cond = (c: CheckReport) => c.conditions.find((k) => k.lambda === 1) ?? c.conditions[0];
      const eps = checks.map((c) => cond(c.report)?.report.curves.eps.map((p) => ({ x: p.eps, y: p.robustAccuracy })) ?? []);
      const steps = checks.map((c) => cond(c.report)?.report.curves.steps.map((p) => ({ x: p.steps, y: p.robustAccuracy })) ?? []);
      const n = checks[0]?.report.testImages ?? 0;
      return [
        { id: 'fig-10a', figure: 'Fig. 10(a)', title: 'RA of FLOAT at λ = 1 as the PGD bound ε grows (cf. FLOAT paper, Fig. 10a)', subtitle: [seedLine(r), `${n} test images, PGD-${r.methods[0]?.attack.steps ?? ''} with EOT, step 2.5ε/K`], xTitle: 'ε (inputs in [0, 1])', yTitle: 'robust accuracy RA (%)', series: [{ name: 'FLOAT λ = 1', points: curveAcrossSeeds(eps) }] },
        { id: 'fig-10b', figure: 'Fig. 10(b)', title: 'RA of FLOAT at λ = 1 as the PGD steps K grow (cf. FLOAT paper, Fig. 10b)', subtitle: [seedLine(r), `${n} test images, ε = ${r.methods[0]?.attack.eps ?? ''}`], xTitle: 'PGD steps K', yTitle: 'robust accuracy RA (%)', xLog: true, series: [{ name: 'FLOAT λ = 1', points: curveAcrossSeeds(steps) }] },
      ];
    },
  },
};

export const figureExperimentNames = () => Object.keys(FIGURES);
