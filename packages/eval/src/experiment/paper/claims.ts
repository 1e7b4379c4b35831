import { at } from '../markdown-accuracy';
import { stat } from '../seeds';
import type { ExperimentReport, SeedAggregate, Stat } from '../types';
import type { AttackExtra, CheckExtra } from './experiments';
import type { PaperClaim, Reports } from './types';
import { allOf, beats, comparison, fixed, MIN_SEEDS, notWorse, separate, worseSomewhere, type Comparison, type Decision } from './verdicts';

/** Fig. 2(b): a λ-set effect counts only when it is beyond the seeds' spread *and* at least this many points. */
export const SENSITIVITY_MIN_POINTS = 5;
/** Fig. 10(b): the RA change over the last step interval that still counts as a plateau, points (the checklist's tolerance). */
export const PLATEAU_POINTS = 2;
/**
 * A "similar or better" accuracy claim needs a combined std of at most this many points per cell; a wider spread
 * could hide a loss of that size.
 */
export const NOT_WORSE_MAX_MARGIN = 5;
/** An accuracy claim needs every model it compares to have learned: best clean accuracy ≥ chance + this many points. */
export const LEARNED_MIN_POINTS = 10;

/** The analytic figures recomputed from the paper's own equations must match its numbers to this relative tolerance. */
export const ANALYTIC_TOLERANCE = 0.03;

export interface ClaimInputs {
  reports: Reports;
  extras: { attacks?: AttackExtra; checks?: CheckExtra };
}

const pm = (s: Stat | undefined, d = 1) => (!s || !s.n ? '–' : s.n > 1 ? `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)} (n=${s.n})` : `${s.mean.toFixed(d)} (n=1)`);
const cmpLine = (c: Comparison, d = 1) => `${c.what}: ${pm(c.a, d)} vs ${pm(c.b, d)}`;
const EVAL_LAMBDAS = [0, 0.2, 0.7, 1];

function agg(r: ExperimentReport | undefined, pred: (a: SeedAggregate) => boolean): SeedAggregate | undefined {
  return r?.acrossSeeds.find(pred);
}

/** Per seed, the summed seconds per epoch of a method's runs (PGD-AT: its four models), as a Stat. */
export function familySeconds(r: ExperimentReport, method: string): Stat {
  return stat(r.seeds.map((sd) => r.methods.filter((m) => m.seed === sd && m.method === method).reduce((a, m) => a + m.secondsPerEpoch, 0)).filter((v) => v > 0));
}

function perSeed(r: ExperimentReport, label: string, f: (m: ExperimentReport['methods'][number]) => number): Stat {
  return stat(r.methods.filter((m) => m.label === label).map(f));
}

/** CA and RA comparisons of two runs of one report at each λ both were evaluated at (λ_th = 0, width w). */
function caRaCells(r: ExperimentReport, a: string, b: string | ((l: number) => string | undefined), lambdas = EVAL_LAMBDAS, width = 1, tag = ''): Comparison[] {
  const out: Comparison[] = [];
  for (const l of lambdas) {
    const bl = typeof b === 'string' ? b : b(l);
    if (!bl) continue;
    const fa = at(r, a, l, width);
    const fb = at(r, bl, typeof b === 'string' ? l : null, width);
    if (!fa || !fb) continue;
    out.push(comparison(`CA at λ = ${l}${tag}`, fa.ca, fb.ca), comparison(`RA at λ = ${l}${tag}`, fa.ra, fb.ra));
  }
  return out;
}

const isCa = (c: Comparison) => c.what.startsWith('CA');
const isRa = (c: Comparison) => c.what.startsWith('RA');

/**
 * Models that did not learn (clean accuracy near chance, e.g. after too few training steps) make an accuracy
 * claim meaningless, whatever the comparison says: such a claim is not testable at this scale.
 */
export function chanceGate(r: ExperimentReport | undefined, labels: ReadonlyArray<string | undefined>): Decision | null {
  if (!r) return null;
  const chance = 100 / (r.delayModel?.input?.numClasses ?? 10);
  const weak = labels
    .filter((l): l is string => l !== undefined)
    .map((l) => ({ l, best: Math.max(...(r.acrossSeeds.find((a) => a.label === l)?.rows.map((x) => x.ca.mean) ?? [Number.NaN])) }))
    .filter((x) => Number.isFinite(x.best) && x.best < chance + LEARNED_MIN_POINTS);
  if (!weak.length) return null;
  return { verdict: 'not testable at this scale', reason: `model(s) at chance level (${weak.map((w) => `${w.l}: best CA ${w.best.toFixed(1)}%`).join(', ')}; chance ${chance.toFixed(0)}%, needed ≥ ${(chance + LEARNED_MIN_POINTS).toFixed(0)}%): too little training for an accuracy claim` };
}

function claim(c: Omit<PaperClaim, 'verdict' | 'reason'>, d: Decision, gate?: { report: ExperimentReport | undefined; labels: ReadonlyArray<string | undefined> }): PaperClaim {
  const g = gate && d.verdict !== 'not testable at this scale' ? chanceGate(gate.report, gate.labels) : null;
  const f = g ?? d;
  return { ...c, verdict: f.verdict, reason: f.reason };
}

const NA: Decision = { verdict: 'not testable at this scale', reason: 'the experiment behind it was not run or has no such runs' };

/** Every claim of the paper this toolkit can put a number beside, with its verdict (rules: verdicts.ts). */
export function paperClaims({ reports, extras }: ClaimInputs): PaperClaim[] {
  const out: PaperClaim[] = [];
  const cmp = reports['fmnist-compare'];
  const float = agg(cmp, (a) => a.method === 'float')?.label ?? 'float';
  const pgdLabel = (l: number) => agg(cmp, (a) => a.method === 'pgd-at' && a.trainLambda === l)?.label;

  // --- Fig. 6: accuracy against OAT and PGD-AT
  {
    const cs = cmp && agg(cmp, (a) => a.method === 'oat') ? caRaCells(cmp, float, 'oat') : [];
    out.push(claim(
      { id: 'float-vs-oat', claim: 'FLOAT improves both clean and robust accuracy over OAT (similar or superior at every λ)', source: 'Abstract; Sec. 4.3, Fig. 6', paper: 'up to +6.5 CA and +14.5 RA points over OAT (STL10); similar or superior at every sampled λ (CIFAR-10, SVHN, STL10)', measured: cs.map((c) => cmpLine(c)).join('; ') || 'not measured', experiments: ['fmnist-compare'], plots: ['fmnist-compare/ca-ra.png'] },
      cs.length ? beats(cs, { groups: [isCa, isRa], groupNames: ['CA', 'RA'] }) : NA,
      { report: cmp, labels: [float, 'oat'] },
    ));
  }
  {
    const cs = cmp ? caRaCells(cmp, float, pgdLabel) : [];
    out.push(claim(
      { id: 'float-vs-pgd-at', claim: 'FLOAT is similar or superior to PGD-AT (one model per λ) at every λ', source: 'Sec. 4.3, Fig. 6', paper: 'up to +22.52 RA (CIFAR-10, λ = 0) and +6.96 CA (STL10, λ = 1) over PGD-AT', measured: cs.map((c) => cmpLine(c)).join('; ') || 'not measured', experiments: ['fmnist-compare'], plots: ['fmnist-compare/ca-ra.png'] },
      cs.length ? notWorse(cs, { maxMargin: NOT_WORSE_MAX_MARGIN }) : NA,
      { report: cmp, labels: [float, ...EVAL_LAMBDAS.map(pgdLabel)] },
    ));
  }

  // --- Fig. 7: training time, parameters, latency, delay model
  if (cmp) {
    const f = familySeconds(cmp, 'float');
    const o = familySeconds(cmp, 'oat');
    const p = familySeconds(cmp, 'pgd-at');
    const ratio = (a: Stat) => (a.n && f.n ? (a.mean / f.mean).toFixed(2) : '–');
    out.push(claim(
      { id: 'train-time-oat', claim: 'FLOAT trains faster than OAT (up to 1.43×)', source: 'Abstract; Sec. 4.3, Fig. 7(a)', paper: 'OAT’s per-epoch training time up to 1.43× FLOAT’s (ResNet-34, CIFAR-10, GPU)', measured: `s/epoch FLOAT ${pm(f, 2)}, OAT ${pm(o, 2)}; OAT/FLOAT ${ratio(o)}×`, experiments: ['fmnist-compare'], plots: ['fmnist-compare/train-time.png'] },
      o.n ? beats([comparison('OAT − FLOAT s/epoch', o, f)]) : NA,
    ));
    out.push(claim(
      { id: 'train-time-pgd-at', claim: 'PGD-AT needs one model per λ, so covering the four λs takes longer than one FLOAT training (up to 1.37×)', source: 'Sec. 4.3, Fig. 7(a)', paper: 'PGD-AT (4 models) up to 1.37× FLOAT’s per-epoch time', measured: `s/epoch FLOAT ${pm(f, 2)}, PGD-AT (sum of ${cmp.methods.filter((m) => m.method === 'pgd-at' && m.seed === cmp.seed).length} models) ${pm(p, 2)}; PGD-AT/FLOAT ${ratio(p)}×`, experiments: ['fmnist-compare'], plots: ['fmnist-compare/train-time.png'] },
      p.n ? beats([comparison('PGD-AT − FLOAT s/epoch', p, f)]) : NA,
    ));
    const fm = cmp.methods.find((m) => m.method === 'float');
    const om = cmp.methods.find((m) => m.method === 'oat');
    const ref = cmp.paperReference;
    const small = fm && om ? om.params.trainable / fm.params.trainable : null;
    const big = ref ? ref.oatParamsRawLambda / ref.floatParams : null;
    const storage = fm && om ? om.storageBytesFig7b / fm.storageBytesFig7b : null;
    out.push(claim(
      { id: 'params-oat', claim: 'FLOAT needs fewer parameters than OAT (up to 1.47×)', source: 'Abstract; Sec. 4.3, Fig. 7(b)', paper: 'ResNet-34: FLOAT 21.28 MB vs OAT 31.4 MB at 8 bits (1.47×)', measured: `${cmp.architecture}: OAT/FLOAT trainable params ${small?.toFixed(3) ?? '–'}× (Fig. 7b storage ${storage?.toFixed(3) ?? '–'}×)${fm && om ? ` (${om.params.trainable} vs ${fm.params.trainable})` : ''}; ResNet-34 recomputed: ${ref ? `${(ref.floatParams / 1e6).toFixed(2)} M vs ${(ref.oatParamsRawLambda / 1e6).toFixed(2)} M, ${big!.toFixed(3)}×` : '–'}`, experiments: ['fmnist-compare'], plots: ['fmnist-compare/storage.png'] },
      small === null ? NA : fixed(small > 1 && (big === null || big > 1), `a parameter count has no seed spread; FLOAT has fewer trainable parameters than OAT on ${cmp.architecture}${big === null ? '' : ' and on ResNet-34'}: ${small > 1 && (big === null || big > 1) ? 'yes' : 'no'}. The size of the saving depends on the architecture (FiLM grows with the channel count)`),
    ));
    const fl = perSeed(cmp, float, (m) => m.latencyMs);
    const ol = perSeed(cmp, 'oat', (m) => m.latencyMs);
    const pl = pgdLabel(1) ? perSeed(cmp, pgdLabel(1)!, (m) => m.latencyMs) : stat([]);
    out.push(claim(
      { id: 'latency', claim: 'OAT’s FiLM layers add inference latency; FLOAT adds no layers, so its latency is that of a PGD-AT model', source: 'Sec. 4.3 (latency)', paper: 'qualitative (more layers → more latency on GPUs)', measured: `median ms per batch at λ = 1: FLOAT ${pm(fl, 2)}, OAT ${pm(ol, 2)}, PGD-AT ${pm(pl, 2)}`, experiments: ['fmnist-compare'], plots: ['fmnist-compare/latency.png'] },
      ol.n && pl.n ? allOf([{ name: 'OAT slower than FLOAT', decision: beats([comparison('OAT − FLOAT ms', ol, fl)]) }, { name: 'FLOAT not slower than PGD-AT', decision: notWorse([comparison('PGD-AT − FLOAT ms', pl, fl)]) }]) : NA,
    ));
    const d = ref?.delay.oatOverFloat;
    out.push(claim(
      { id: 'delay-model', claim: 'On a Von-Neumann ASIC model (Eqs. 7–9), FLOAT’s conditional conv layer is up to 1.66× faster than OAT’s', source: 'Sec. 4.3, Fig. 7(c)', paper: 'up to 1.66× (ResNet-34, CIFAR-10)', measured: d ? `OAT/FLOAT per conv layer, ResNet-34: min ${d.min.toFixed(3)}, mean ${d.mean.toFixed(3)}, max ${d.max.toFixed(3)}×` : 'not computed', experiments: ['fmnist-compare'], plots: ['fmnist-compare/delay.png'] },
      d ? fixed(Math.abs(d.max / 1.66 - 1) <= ANALYTIC_TOLERANCE, `recomputed from the paper’s equations and constants (no seeds): the maximum ${d.max.toFixed(3)}× ${Math.abs(d.max / 1.66 - 1) <= ANALYTIC_TOLERANCE ? 'matches' : 'does not match'} 1.66× within ${ANALYTIC_TOLERANCE * 100}%`) : NA,
    ));
  }

  // --- Table 1: FLOATS-i / FLOATS-c
  {
    const r = reports['fmnist-compress'];
    const fl = agg(r, (a) => a.method === 'float')?.label;
    const cells = (label: string) => (r && fl && agg(r, (a) => a.label === label) ? caRaCells(r, label, fl, [0, 1]) : []);
    const i = cells('floats-i');
    const c = cells('floats-c');
    out.push(claim(
      { id: 'floats-i-vs-c', claim: 'At density d = 0.3, FLOATS-i keeps FLOAT’s accuracy while FLOATS-c loses some', source: 'Sec. 3.2, Table 1', paper: 'CIFAR-10 ResNet-34, vs FLOAT: FLOATS-i −0.71/−3.82 (λ=0 CA/RA), −0.5/−0.79 (λ=1); FLOATS-c −0.99/−5.32, −2.23/−3.51', measured: [...i.map((x) => `FLOATS-i ${cmpLine(x)}`), ...c.map((x) => `FLOATS-c ${cmpLine(x)}`)].join('; ') || 'not measured', experiments: ['fmnist-compress'], plots: ['fmnist-compress/ca-ra.png'] },
      i.length && c.length ? allOf([{ name: 'FLOATS-i not below FLOAT', decision: notWorse(i, { maxMargin: NOT_WORSE_MAX_MARGIN }) }, { name: 'FLOATS-c below FLOAT somewhere', decision: worseSomewhere(c) }]) : NA,
      { report: r, labels: [fl, 'floats-i', 'floats-c'] },
    ));
    const ci = r?.acrossSeeds.find((a) => a.label === 'floats-i')?.compression;
    const cc = r?.acrossSeeds.find((a) => a.label === 'floats-c')?.compression;
    out.push(claim(
      { id: 'floats-c-channels', claim: 'FLOATS-c removes whole input channels (CRF > 1) while FLOATS-i keeps them all (CRF = 1)', source: 'Sec. 3.2, Fig. 4(a), Table 1', paper: 'CRF 1.54× (FLOATS-c) vs 1× (FLOATS-i); 20.3% non-zero channels in one layer', measured: ci && cc ? `CRF FLOATS-c ${pm(cc.crf, 3)}, FLOATS-i ${pm(ci.crf, 3)}; density ${pm(cc.density, 3)} / ${pm(ci.density, 3)}` : 'not measured', experiments: ['fmnist-compress'], plots: ['fmnist-compress/heatmap.png'] },
      ci && cc ? allOf([{ name: 'CRF FLOATS-c > FLOATS-i', decision: beats([comparison('CRF FLOATS-c − FLOATS-i', cc.crf, ci.crf)]) }, { name: 'FLOATS-i keeps every channel', decision: fixed(ci.crf.mean < 1.01, `FLOATS-i CRF ${ci.crf.mean.toFixed(3)} (counted as 1 below 1.01)`) }]) : NA,
    ));
  }

  // --- Fig. 3 and Fig. 5: the trade-off follows λn
  {
    const r = reports['fmnist-noise-rescale'];
    const a = agg(r, (x) => x.method === 'pni');
    const row = (l: number) => a?.rows.find((x) => x.lambda === l);
    const lo = row(0);
    const hi = row(1);
    out.push(claim(
      { id: 'noise-rescale', claim: 'Re-scaling a noise-trained model’s noise after training trades accuracy for robustness: lower λn → higher CA, lower RA', source: 'Sec. 3.1, Fig. 3', paper: 'ResNet-20 PNI on CIFAR-10: CA rises and RA falls as λn decreases', measured: a ? a.rows.map((x) => `λn ${x.lambda}: CA ${pm(x.ca)}, RA ${pm(x.ra)}`).join('; ') : 'not measured', experiments: ['fmnist-noise-rescale'], plots: ['fmnist-noise-rescale/fig-3.png'] },
      lo && hi ? allOf([{ name: 'CA(λn = 0) > CA(λn = 1)', decision: beats([comparison('CA λn 0 − 1', lo.ca, hi.ca)]) }, { name: 'RA(λn = 1) > RA(λn = 0)', decision: beats([comparison('RA λn 1 − 0', hi.ra, lo.ra)]) }]) : NA,
      { report: r, labels: [a?.label] },
    ));
  }
  {
    const r = reports['fmnist-lambda-n'] ?? cmp;
    const a = agg(r, (x) => x.method === 'float');
    const cell = (l: number, th: number) => a?.rows.find((x) => x.lambda === l && (x.lambdaTh ?? 0) === th && x.width === 1);
    const b0 = cell(0, 0);
    const b1 = cell(1, 0);
    out.push(claim(
      { id: 'float-boundaries', claim: 'One FLOAT model spans the trade-off: λ = 0 (BN_C, no noise) gives the higher CA, λ = 1 (BN_A, noise) the higher RA', source: 'Sec. 3.1, Fig. 5', paper: 'e.g. CIFAR-10 (94.83, 22.52) at λ = 0 and (89.1, 56.71) at λ = 1', measured: b0 && b1 ? `λ = 0: CA ${pm(b0.ca)}, RA ${pm(b0.ra)}; λ = 1: CA ${pm(b1.ca)}, RA ${pm(b1.ra)}` : 'not measured', experiments: [reports['fmnist-lambda-n'] ? 'fmnist-lambda-n' : 'fmnist-compare'], plots: ['fmnist-lambda-n/fig-5.png'] },
      b0 && b1 ? allOf([{ name: 'CA(0) > CA(1)', decision: beats([comparison('CA λ 0 − 1', b0.ca, b1.ca)]) }, { name: 'RA(1) > RA(0)', decision: beats([comparison('RA λ 1 − 0', b1.ra, b0.ra)]) }]) : NA,
      { report: r, labels: [a?.label] },
    ));
    const t0 = cell(0.2, 0);
    const t5 = cell(0.2, 0.5);
    out.push(claim(
      { id: 'lambda-th', claim: 'λ_th = 0.5 gives a more gradual transition: at λ = 0.2 it has higher CA and lower RA than λ_th = 0', source: 'Sec. 4.2, Fig. 5', paper: '+4.76 CA and −15.9 RA points on average over five datasets', measured: t0 && t5 ? `λ = 0.2: λ_th 0.5 CA ${pm(t5.ca)}, RA ${pm(t5.ra)}; λ_th 0 CA ${pm(t0.ca)}, RA ${pm(t0.ra)}` : 'not measured', experiments: [reports['fmnist-lambda-n'] ? 'fmnist-lambda-n' : 'fmnist-compare'], plots: ['fmnist-lambda-n/fig-5.png'] },
      t0 && t5 ? allOf([{ name: 'CA higher with λ_th = 0.5', decision: beats([comparison('CA th 0.5 − 0', t5.ca, t0.ca)]) }, { name: 'RA lower with λ_th = 0.5', decision: worseSomewhere([comparison('RA th 0.5 − 0', t5.ra, t0.ra)]) }]) : NA,
      { report: r, labels: [a?.label] },
    ));
  }

  // --- Fig. 2(b): OAT's sensitivity to its λ set
  {
    const r = reports['fmnist-oat-sensitivity'];
    const sets = r?.acrossSeeds.filter((a) => a.method === 'oat') ?? [];
    const cells: Array<{ what: string; range: number; sep: Comparison }> = [];
    for (const l of EVAL_LAMBDAS) {
      for (const k of ['ca', 'ra'] as const) {
        const v = sets.map((s) => ({ s, x: s.rows.find((row) => row.lambda === l)?.[k] })).filter((e): e is { s: SeedAggregate; x: Stat } => !!e.x && e.x.n > 0);
        if (v.length < 2) continue;
        v.sort((p, q) => p.x.mean - q.x.mean);
        const lo = v[0];
        const hi = v[v.length - 1];
        cells.push({ what: `${k.toUpperCase()} at λ = ${l}`, range: hi.x.mean - lo.x.mean, sep: comparison(`${k.toUpperCase()} at λ = ${l}: ${hi.s.label} − ${lo.s.label}`, hi.x, lo.x) });
      }
    }
    const maxOf = (k: string) => Math.max(...cells.filter((c) => c.what.startsWith(k)).map((c) => c.range), Number.NEGATIVE_INFINITY);
    let d: Decision = NA;
    if (cells.length) {
      if (cells.some((c) => c.sep.separation === 'untestable')) d = { verdict: 'not testable at this scale', reason: `fewer than ${MIN_SEEDS} seeds per λ set` };
      else {
        const big = cells.filter((c) => c.sep.separation === 'higher' && c.range >= SENSITIVITY_MIN_POINTS);
        d = big.length
          ? { verdict: 'reproduced', reason: `the λ set moves ${big.map((c) => `${c.what} by ${c.range.toFixed(1)}`).join(', ')} points, beyond the combined std and ≥ ${SENSITIVITY_MIN_POINTS} points` }
          : { verdict: 'not reproduced', reason: `no cell differs across λ sets by both more than the combined std and ≥ ${SENSITIVITY_MIN_POINTS} points (largest ranges: CA ${maxOf('CA').toFixed(1)}, RA ${maxOf('RA').toFixed(1)})` };
      }
    }
    out.push(claim(
      { id: 'oat-sensitivity', claim: 'OAT’s CA and RA depend heavily on its training λ set', source: 'Sec. 1, Sec. 2.3, Fig. 2(b)', paper: 'ResNet-34 CIFAR-10: CA varies by up to 11.03 and RA by up to 21.97 points across λ sets', measured: cells.length ? `range of set means across ${sets.length} λ sets: ${cells.map((c) => `${c.what} ${c.range.toFixed(1)} (${separate(c.sep.a, c.sep.b)})`).join(', ')}` : 'not measured', experiments: ['fmnist-oat-sensitivity'], plots: ['fmnist-oat-sensitivity/fig-2b.png'] },
      d,
      { report: r, labels: sets.map((x) => x.label) },
    ));
  }

  // --- Fig. 9
  {
    const r = reports['fmnist-attacks'] ?? cmp;
    const x = extras.attacks;
    const flo = agg(r, (a) => a.method === 'float')?.label ?? 'float';
    const pgd = r && agg(r, (a) => a.method === 'oat') ? caRaCells(r, flo, 'oat', EVAL_LAMBDAS, 1, ' (PGD-20)') : [];
    const fg = x ? caRaFromAggs(x.fgsm, 'float', 'oat', ' (FGSM)') : [];
    out.push(claim(
      { id: 'attacks-vs-oat', claim: 'Under PGD-20 and FGSM, FLOAT’s accuracy–robustness trade-off is similar to OAT’s', source: 'Sec. 4.5, Fig. 9(a, b)', paper: 'similar in-situ trade-offs to OAT under both attacks (ResNet-34, CIFAR-10)', measured: [...pgd, ...fg].map((c) => cmpLine(c)).join('; ') || 'not measured', experiments: ['fmnist-attacks'], plots: ['fmnist-attacks/fig-9a.png', 'fmnist-attacks/fig-9b.png'] },
      pgd.length && fg.length ? notWorse([...pgd, ...fg], { maxMargin: NOT_WORSE_MAX_MARGIN }) : NA,
      { report: r, labels: [flo, 'oat'] },
    ));
    const aa = x ? caRaFromAggs(x.autoattack, 'float', 'pgd-at', ' (AutoAttack)') : [];
    const ra = aa.filter(isRa);
    const everyHigher: Decision = ra.length === 0 ? NA : ra.some((c) => c.separation === 'untestable') ? beats(ra) : ra.every((c) => c.separation === 'higher') ? { verdict: 'reproduced', reason: `RA higher beyond the combined std at every λ: ${ra.map((c) => `${c.what} +${c.diff.toFixed(2)} vs ${c.margin.toFixed(2)}`).join('; ')}` } : { verdict: 'not reproduced', reason: `not higher beyond the combined std at ${ra.filter((c) => c.separation !== 'higher').map((c) => `${c.what} (${c.diff.toFixed(2)} vs ${c.margin.toFixed(2)})`).join('; ')}` };
    out.push(claim(
      { id: 'autoattack-vs-pgd-at', claim: 'Under AutoAttack, FLOAT consistently yields better RA than PGD-AT, with similar or better CA', source: 'Sec. 4.5, Fig. 9(c)', paper: 'better RA at every λ with similar or improved CA (ResNet-34, CIFAR-10; AutoAttack ‘rand’ for FLOAT)', measured: aa.map((c) => cmpLine(c)).join('; ') || 'not measured', experiments: ['fmnist-attacks'], plots: ['fmnist-attacks/fig-9c.png'] },
      aa.length ? allOf([{ name: 'RA higher at every λ', decision: everyHigher }, { name: 'CA not lower', decision: notWorse(aa.filter(isCa), { maxMargin: NOT_WORSE_MAX_MARGIN }) }]) : NA,
      { report: r, labels: [flo, ...(r?.acrossSeeds.filter((a) => a.method === 'pgd-at').map((a) => a.label) ?? [])] },
    ));
    const fgF = x?.fgsm.find((a) => a.method === 'float');
    const pgF = agg(r, (a) => a.method === 'float');
    const weak: Comparison[] = [];
    for (const l of EVAL_LAMBDAS) {
      const f = fgF?.rows.find((row) => row.lambda === l && (row.lambdaTh ?? 0) === 0);
      const p = pgF?.rows.find((row) => row.lambda === l && (row.lambdaTh ?? 0) === 0);
      if (f && p) weak.push(comparison(`RA at λ = ${l}, FGSM − PGD-20`, f.ra, p.ra));
    }
    out.push(claim(
      { id: 'fgsm-weaker', claim: 'The single-step FGSM attack is weaker than iterative PGD (Table 2, check i)', source: 'Sec. 4.5, Fig. 9(a, b), Table 2', paper: 'FGSM RA well above PGD-20 RA at every λ', measured: weak.map((c) => cmpLine(c)).join('; ') || 'not measured', experiments: ['fmnist-attacks'], plots: ['fmnist-attacks/fig-9a.png', 'fmnist-attacks/fig-9b.png'] },
      weak.length ? beats(weak) : NA,
      { report: r, labels: [pgF?.label] },
    ));
  }

  // --- Fig. 10 and Table 2
  {
    const checks = extras.checks?.checks ?? [];
    const cks = reports['fmnist-eps-steps'];
    const ckLabel = agg(cks, (a) => a.method === 'float')?.label;
    const conds = checks.map((c) => ({ seed: c.seed, cond: c.report.conditions.find((k) => k.lambda === 1) ?? c.report.conditions[0] })).filter((c) => c.cond);
    const passes = (id: string) => conds.map((c) => ({ seed: c.seed, passed: c.cond.report.checks.find((k) => k.id === id)?.passed ?? null }));
    const allPass = (id: string): Decision => {
      const p = passes(id);
      if (!p.length) return NA;
      if (p.some((q) => q.passed === null)) return { verdict: 'not testable at this scale', reason: `check (${id}) did not run for seed(s) ${p.filter((q) => q.passed === null).map((q) => q.seed).join(', ')}` };
      const failed = p.filter((q) => !q.passed);
      return failed.length ? { verdict: 'not reproduced', reason: `check (${id}) fails for seed(s) ${failed.map((q) => q.seed).join(', ')}` } : { verdict: 'reproduced', reason: `check (${id}) passes for every seed (${p.length})` };
    };
    const epsLast = stat(conds.map((c) => c.cond.report.curves.eps.at(-1)?.robustAccuracy ?? Number.NaN));
    const epsMax = conds[0]?.cond.report.curves.eps.at(-1)?.eps;
    out.push(claim(
      { id: 'eps-curve', claim: 'RA falls as the attack bound ε grows and reaches ~0% (Table 2, checks iii and iv)', source: 'Sec. 4.5, Fig. 10(a)', paper: 'accuracy decreases with ε and reaches ~0%', measured: conds.length ? `RA at ε = ${epsMax}: ${pm(epsLast)}; per seed: ${conds.map((c) => `seed ${c.seed}: ${c.cond.report.curves.eps.map((p) => `${p.eps.toFixed(3)}→${p.robustAccuracy.toFixed(1)}`).join(', ')}`).join(' | ')}` : 'not measured', experiments: ['fmnist-eps-steps'], plots: ['fmnist-eps-steps/fig-10a.png'] },
      conds.length ? allOf([{ name: 'no rise with ε (iii)', decision: allPass('iii') }, { name: 'unbounded reaches ~0 (iv)', decision: allPass('iv') }]) : NA,
      { report: cks, labels: [ckLabel] },
    ));
    const steps = conds.map((c) => c.cond.report.curves.steps);
    const first = stat(steps.map((s) => s[0]?.robustAccuracy ?? Number.NaN));
    const last = stat(steps.map((s) => s.at(-1)?.robustAccuracy ?? Number.NaN));
    const prev = stat(steps.map((s) => s.at(-2)?.robustAccuracy ?? Number.NaN));
    const kLast = steps[0]?.at(-1)?.steps;
    const kPrev = steps[0]?.at(-2)?.steps;
    const plateau = Math.abs(last.mean - prev.mean);
    out.push(claim(
      { id: 'steps-plateau', claim: 'With more PGD steps K, RA drops at first and then levels off (no collapse, so no gradient masking)', source: 'Sec. 4.5, Fig. 10(b)', paper: 'after an initial drop, robustness nears an asymptote', measured: steps.length ? `RA at K = ${steps[0][0]?.steps}: ${pm(first)}; K = ${kPrev}: ${pm(prev)}; K = ${kLast}: ${pm(last)}` : 'not measured', experiments: ['fmnist-eps-steps'], plots: ['fmnist-eps-steps/fig-10b.png'] },
      steps.length && kPrev !== undefined
        ? allOf([
            { name: 'initial drop', decision: beats([comparison(`RA K = ${steps[0][0]?.steps} − K = ${kLast}`, first, last)]) },
            { name: `plateau (|RA(K=${kLast}) − RA(K=${kPrev})| ≤ ${PLATEAU_POINTS})`, decision: fixed(plateau <= PLATEAU_POINTS, `change over the last interval ${plateau.toFixed(2)} points`) },
            { name: 'no rise with K (vi)', decision: allPass('vi') },
          ])
        : NA,
      { report: cks, labels: [ckLabel] },
    ));
    const tr = stat(conds.map((c) => c.cond.report.checks.find((k) => k.id === 'ii')?.figures.transferRa ?? Number.NaN));
    const wb = stat(conds.filter((c) => c.cond.report.checks.find((k) => k.id === 'ii')?.figures.transferRa !== undefined).map((c) => c.cond.report.pgdRobustAccuracy));
    out.push(claim(
      { id: 'black-box-weaker', claim: 'Transfer (black-box) attacks from an independently trained model are weaker than white-box ones (Table 2, check ii)', source: 'Sec. 4.5, Table 2', paper: '~13 points higher RA under the black-box attack (λ = 1)', measured: tr.n ? `RA at λ = 1: transfer ${pm(tr)}, white-box PGD ${pm(wb)}` : 'not measured (needs ≥ 2 seeds: each seed’s model attacks with examples crafted on another seed’s)', experiments: ['fmnist-eps-steps'], plots: [] },
      tr.n ? beats([comparison('RA transfer − white-box', tr, wb)]) : { verdict: 'not testable at this scale', reason: 'check (ii) needs a second, independently trained model (≥ 2 seeds)' },
      { report: cks, labels: [ckLabel] },
    ));
    out.push(claim(
      { id: 'checklist', claim: 'FLOAT passes the obfuscated-gradients checklist (Table 2: i–v; vi = more steps never help the defence)', source: 'Sec. 4.5, Table 2', paper: 'all five checks pass', measured: conds.length ? conds.map((c) => `seed ${c.seed}: ${c.cond.report.checks.map((k) => `${k.id} ${k.passed === null ? 'skipped' : k.passed ? 'pass' : 'FAIL'}`).join(', ')}`).join(' | ') : 'not measured', experiments: ['fmnist-eps-steps'], plots: [] },
      conds.length ? allOf(['i', 'ii', 'iii', 'iv', 'v', 'vi'].map((id) => ({ name: `check ${id}`, decision: allPass(id) }))) : NA,
      { report: cks, labels: [ckLabel] },
    ));
  }

  // --- Fig. 8 and Table 1: slimmable models
  {
    const r = reports['fmnist-slim'];
    const has = (l: string) => !!agg(r, (a) => a.label === l);
    const cs = r && has('float-slim') && has('oat-slim') ? [...caRaCells(r, 'float-slim', 'oat-slim', EVAL_LAMBDAS, 1, ', SF 1'), ...caRaCells(r, 'float-slim', 'oat-slim', EVAL_LAMBDAS, 0.5, ', SF 0.5')] : [];
    out.push(claim(
      { id: 'slim-vs-oat-slim', claim: 'FLOAT slim outperforms OAT slim at every tested λ for both widths', source: 'Sec. 4.4, Fig. 8', paper: 'up to +3.6 points (ResNet-34, CIFAR-10, SF 1.0 and 0.5)', measured: cs.map((c) => cmpLine(c)).join('; ') || 'not measured', experiments: ['fmnist-slim'], plots: ['fmnist-slim/ca-ra.png'] },
      cs.length ? beats(cs) : NA,
      { report: r, labels: ['float-slim', 'oat-slim'] },
    ));
    const fs = r && has('float-slim') ? r : undefined;
    const parts: Array<{ name: string; decision: Decision }> = [];
    const meas: string[] = [];
    if (fs) {
      for (const w of [1, 0.5]) {
        const a0 = at(fs, 'float-slim', 0, w);
        const a1 = at(fs, 'float-slim', 1, w);
        if (!a0 || !a1) continue;
        meas.push(`SF ${w}: λ=0 CA ${pm(a0.ca)} RA ${pm(a0.ra)}, λ=1 CA ${pm(a1.ca)} RA ${pm(a1.ra)}`);
        parts.push({ name: `SF ${w}: CA(0) > CA(1)`, decision: beats([comparison(`CA SF ${w}`, a0.ca, a1.ca)]) });
        parts.push({ name: `SF ${w}: RA(1) > RA(0)`, decision: beats([comparison(`RA SF ${w}`, a1.ra, a0.ra)]) });
      }
      const m = fs.methods.find((x) => x.label === 'float-slim' && x.slim);
      if (m?.slim) {
        meas.push(`width-0.5 export: ${(m.slim.narrow.flops / 1e6).toFixed(2)} M vs ${(m.flops / 1e6).toFixed(2)} M FLOPs (potential speed-up ${m.slim.potentialSpeedup.toFixed(2)}×), ${m.slim.narrow.params.trainable} vs ${m.params.trainable} params`);
        parts.push({ name: 'SF 0.5 cheaper', decision: fixed(m.slim.potentialSpeedup > 1 && m.slim.narrow.params.trainable < m.params.trainable, `potential speed-up ${m.slim.potentialSpeedup.toFixed(2)}× (FLOPs), no seed spread`) });
      }
    }
    out.push(claim(
      { id: 'slim-three-way', claim: 'FLOAT slim gives a three-way accuracy–robustness–complexity trade-off from one training pass', source: 'Abstract; Sec. 4.4, Table 1', paper: 'FLOATS slim at SF 0.5: CR 4.76×, CRF 2×, with the λ knob kept (CIFAR-10)', measured: meas.join('; ') || 'not measured', experiments: ['fmnist-slim'], plots: ['fmnist-slim/ca-ra.png'] },
      parts.length ? allOf(parts) : NA,
      { report: r, labels: ['float-slim'] },
    ));
    const ft = r ? familySeconds(r, 'float-slim') : stat([]);
    const ot = r ? familySeconds(r, 'oat-slim') : stat([]);
    out.push(claim(
      { id: 'slim-train-time', claim: 'Slimmable FLOAT trains faster than OAT slim (up to 1.90×)', source: 'Sec. 4.4', paper: 'up to 1.90× faster (GPU)', measured: ft.n && ot.n ? `s/epoch FLOAT slim ${pm(ft, 2)}, OAT slim ${pm(ot, 2)}; ratio ${(ot.mean / ft.mean).toFixed(2)}×` : 'not measured', experiments: ['fmnist-slim'], plots: ['fmnist-slim/train-time.png'] },
      ft.n && ot.n ? beats([comparison('OAT slim − FLOAT slim s/epoch', ot, ft)]) : NA,
    ));
  }

  out.push(
    {
      id: 'sota-datasets',
      claim: 'FLOAT improves CA by up to ~6% and RA by up to ~10% over OAT on CIFAR-10/100, SVHN, STL10, Tiny-ImageNet and ImageNet',
      source: 'Abstract; Sec. 4',
      paper: 'Figs. 1, 5, 6 on six datasets with ResNet-34, WRN16-8, WRN40-2',
      measured: 'only Fashion-MNIST with cnn-s here (see float-vs-oat)',
      verdict: 'not testable at this scale',
      reason: 'the datasets and architectures of the claim are not trained by this report (presets for them exist: `--preset`, hours to days on a CPU)',
      experiments: [],
      plots: [],
    },
    {
      id: 'floats-slim-vs-c',
      claim: 'FLOATS slim needs 1.62× less storage than FLOATS-c, with up to 2× speed-up and 2.24% higher accuracy',
      source: 'Sec. 4.4, Table 1',
      paper: 'ResNet-34, CIFAR-10',
      measured: 'FLOATS slim and FLOATS-c are trained by different experiments here (fmnist-slim, fmnist-compress), never side by side with matched budgets',
      verdict: 'not testable at this scale',
      reason: 'no experiment trains FLOATS slim and FLOATS-c at matched density and budget',
      experiments: [],
      plots: [],
    },
  );
  return out;
}

/** CA/RA comparisons of method a's (λ_th = 0) rows against method b's, from extra aggregates (other attacks). */
function caRaFromAggs(aggs: readonly SeedAggregate[], a: string, b: string, tag: string): Comparison[] {
  const fa = aggs.find((x) => x.method === a);
  if (!fa) return [];
  const out: Comparison[] = [];
  for (const l of EVAL_LAMBDAS) {
    const ra = fa.rows.find((row) => row.lambda === l && (row.lambdaTh ?? 0) === 0);
    const rb = b === 'pgd-at' ? aggs.find((x) => x.method === b && x.trainLambda === l)?.rows[0] : aggs.find((x) => x.method === b)?.rows.find((row) => row.lambda === l);
    if (!ra || !rb) continue;
    out.push(comparison(`CA at λ = ${l}${tag}`, ra.ca, rb.ca), comparison(`RA at λ = ${l}${tag}`, ra.ra, rb.ra));
  }
  return out;
}
