import type { EvalReport } from './evaluate';

const fmt = (v: number | null, digits = 2) => (v === null ? '–' : String(Number(v.toFixed(digits))));

/** The eval report as a Markdown table: one row per requested (λ, λ_th). */
export function evalTable(report: EvalReport): string {
  const attack = report.attack.name.toUpperCase();
  const lines = [
    `| method | λ | λ_th | BN | λn | CA % | RA % (${attack}) | EOT |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of report.rows) {
    lines.push(`| ${report.method} | ${fmt(r.lambda)} | ${fmt(r.lambdaTh)} | ${r.norm} | ${fmt(r.lambdaN)} | ${r.ca.toFixed(1)} | ${r.ra.toFixed(1)} | ${r.randomized ? r.eot : '–'} |`);
  }
  return lines.join('\n');
}
