import { HEADLINE_MIN_EOT } from '../attack/headline';
import { diffStdError } from './seeds';
import type { ExperimentReport, SeedRow, Stat } from './types';

const lam = (v: number | null) => (v === null ? '–' : String(v));
const num = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const sf = (w: number | undefined) => (w ?? 1).toFixed(2).replace(/0$/, '');
const signed = (v: number, d = 1) => `${v >= 0 ? '+' : ''}${v.toFixed(d)}`;

/** `mean ± std` across seeds, or the bare value for one seed. */
export function pmStat(s: Stat, d = 1): string {
  if (!s.n) return '–';
  return s.n > 1 ? `${num(s.mean, d)} ± ${num(s.std, d)}` : num(s.mean, d);
}

/** CA and RA of run `label` at inference λ and width across seeds (λ_th = 0 rows first; λ = 0 and 1 are the same under every λ_th). */
export function at(r: ExperimentReport, label: string, lambda: number | null, width = 1): { ca: Stat; ra: Stat } | null {
  const rows = r.acrossSeeds.find((a) => a.label === label)?.rows.filter((x) => (lambda === null || x.lambda === lambda) && Math.abs(x.width - width) < 1e-9) ?? [];
  const row = rows.find((x) => (x.lambdaTh ?? 0) === 0) ?? rows[0];
  return row ? { ca: row.ca, ra: row.ra } : null;
}

/** The CA/RA section: one table for one seed; for several, mean ± std across seeds and then every seed's rows. */
export function accuracySection(r: ExperimentReport, attack: string): string[] {
  const L: string[] = [];
  // Randomized rows of one evaluation: mean ± std over forward draws (reports made before draws existed have one).
  const pm = (v: number, sd: number | undefined, d: number | undefined) => ((d ?? 1) > 1 ? `${v.toFixed(1)} ± ${(sd ?? 0).toFixed(1)}` : v.toFixed(1));
  const many = r.seeds.length > 1;
  if (many) {
    L.push(
      `## Clean and robust accuracy (%), mean ± std across ${r.seeds.length} seeds`,
      '',
      `| model | λ | λ_th | SF | BN | λn | CA % | RA % (${attack}) | EOT | seeds |`,
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const a of r.acrossSeeds) {
      for (const row of a.rows as SeedRow[]) {
        L.push(`| ${a.label} | ${lam(a.trainLambda ?? row.lambda)} | ${lam(row.lambdaTh)} | ${sf(row.width)} | ${row.norm} | ${num(row.lambdaN)} | ${pmStat(row.ca)} | ${pmStat(row.ra)} | ${row.randomized ? row.eot : '–'} | ${row.ca.n} |`);
      }
    }
    L.push(
      '',
      `± is the sample standard deviation (n − 1) across the seeds ${r.seeds.join(', ')}; each seed's value of a randomized condition is its own mean over forward draws (the per-seed table gives the std over draws).`,
      '',
      '### Per seed',
      '',
    );
  } else {
    L.push('## Clean and robust accuracy (%)', '');
  }
  L.push(`| model |${many ? ' seed |' : ''} λ | λ_th | SF | BN | λn | CA % | RA % (${attack}) | EOT | draws |`, `|---|${many ? '---|' : ''}---|---|---|---|---|---|---|---|---|`);
  for (const m of r.methods) {
    for (const row of m.rows) {
      L.push(
        `| ${m.label} |${many ? ` ${m.seed} |` : ''} ${lam(m.trainLambda ?? row.lambda)} | ${lam(row.lambdaTh)} | ${sf(row.width)} | ${row.norm} | ${num(row.lambdaN)} | ${pm(row.ca, row.caStd, row.draws)} | ${pm(row.ra, row.raStd, row.draws)}${row.headline && row.headline !== row.attack ? ` (${row.headline})` : ''} | ${row.randomized ? row.eot : '–'} | ${row.draws ?? 1} |`,
      );
    }
  }
  L.push('', 'PGD-AT rows give the λ each model was *trained* with (one model per λ); FLOAT and OAT rows the λ chosen at inference. SF is the channel width (slimming factor) the condition runs at: 1.0 for every model that is not slimmable.', '');
  const weak = r.methods.flatMap((m) => m.rows).filter((row) => row.randomized && row.eot < HEADLINE_MIN_EOT && !/autoattack-rand/.test(row.headline ?? row.attack));
  if (weak.length) {
    const eots = [...new Set(weak.map((row) => row.eot))].join(', ');
    L.push(
      `**Randomized rows are upper bounds on RA here, not headline figures**: they were attacked with ${attack} and EOT ${eots}, fewer than the ${HEADLINE_MIN_EOT} gradient draws of the headline rule (the lower of PGD with EOT ≥ ${HEADLINE_MIN_EOT} and AutoAttack-rand, \`float eval DIR --attack autoattack-rand\`). Compare randomized and deterministic rows with that in mind: a weak attack flatters a randomized model more.`,
      '',
    );
  }
  return L;
}

/** `a − b` with its standard error across seeds and a verdict that never calls noise a difference. */
export function compare(a: Stat, b: Stat, claim: string): string {
  const d = a.mean - b.mean;
  const se = diffStdError(a, b);
  const seeds = Math.min(a.n, b.n);
  if (seeds < 2) return `${signed(d)} points (one seed: no error estimate) — ${d >= 0 ? '**agrees**' : '**differs**'} (${claim})`;
  const verdict = d >= 0 ? '**agrees**' : -d <= 2 * se ? '**differs, within noise** (|Δ| ≤ 2 SE)' : '**differs**';
  return `${signed(d)} ± ${se.toFixed(1)} points (± standard error across ${seeds} seeds) — ${verdict} (${claim})`;
}

/** The paper's accuracy claims of the comparison (FLOAT vs PGD-AT at the λ boundaries, FLOAT vs OAT per λ). */
export function accuracyClaims(r: ExperimentReport): string[] {
  const out: string[] = [];
  const float = r.acrossSeeds.find((a) => a.method === 'float');
  if (!float) return out;
  const pgd = (l: number) => r.acrossSeeds.find((a) => a.method === 'pgd-at' && a.trainLambda === l);
  const f1 = at(r, float.label, 1);
  const f0 = at(r, float.label, 0);
  const p1 = pgd(1) && at(r, pgd(1)!.label, null);
  const p0 = pgd(0) && at(r, pgd(0)!.label, null);
  if (f1 && p1) out.push(`- RA at λ = 1: FLOAT ${pmStat(f1.ra)} vs PGD-AT (λ = 1) ${pmStat(p1.ra)}: ${compare(f1.ra, p1.ra, 'paper: FLOAT’s RA ≥ PGD-AT’s')}.`);
  if (f0 && p0) out.push(`- CA at λ = 0: FLOAT ${pmStat(f0.ca)} vs PGD-AT (λ = 0) ${pmStat(p0.ca)}: ${compare(f0.ca, p0.ca, 'paper: FLOAT’s CA ≥ PGD-AT’s')}.`);
  const oat = r.acrossSeeds.find((a) => a.method === 'oat');
  if (oat) {
    for (const row of oat.rows) {
      const f = row.lambda === null ? null : at(r, float.label, row.lambda);
      if (!f) continue;
      out.push(
        `- λ = ${row.lambda}, FLOAT (λ_th = 0) − OAT: CA ${compare(f.ca, row.ca, 'paper: FLOAT ≥ OAT')}; RA ${compare(f.ra, row.ra, 'paper: FLOAT ≥ OAT')}.`,
      );
    }
  }
  return out;
}
