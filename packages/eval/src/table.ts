import type { EvalReport } from './evaluate';

const fmt = (v: number | null, digits = 2) => (v === null ? '–' : String(Number(v.toFixed(digits))));

/** The eval report as a Markdown table: one row per requested (λ, λ_th). */
export function evalTable(report: EvalReport): string {
  const attack = report.attack.name.toUpperCase();
  const lines = [
    `| method | λ | λ_th | BN | λn | CA % | RA % (${attack}) | EOT | draws |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  // Randomized rows are mean ± std over independent forward draws (older reports have no draws field).
  const pm = (v: number, sd: number | undefined, draws: number | undefined) => ((draws ?? 1) > 1 ? `${v.toFixed(1)} ± ${(sd ?? 0).toFixed(1)}` : v.toFixed(1));
  for (const r of report.rows) {
    lines.push(
      `| ${report.method} | ${fmt(r.lambda)} | ${fmt(r.lambdaTh)} | ${r.norm} | ${fmt(r.lambdaN)} | ${pm(r.ca, r.caStd, r.draws)} | ${pm(r.ra, r.raStd, r.draws)} | ${r.randomized ? r.eot : '–'} | ${r.draws ?? 1} |`,
    );
  }
  return lines.join('\n');
}
