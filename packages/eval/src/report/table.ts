import type { EvalReport } from '../commands/evaluate';

const fmt = (v: number | null, digits = 2) => (v === null ? '–' : String(Number(v.toFixed(digits))));

/**
 * The eval report as a Markdown table: one row per requested (λ, λ_th). A row whose RA comes from another
 * attack than the one asked for (randomized autoattack-rand rows: the lower of it and PGD with EOT ≥ 10)
 * names that attack in its RA cell, and AutoAttack's single-draw and re-drawn verdicts follow the table.
 */
export function evalTable(report: EvalReport): string {
  const attack = report.attack.name.toUpperCase();
  const lines = [
    `| method | λ | λ_th | BN | λn | CA % | RA % (${attack}${report.rows.some((r) => r.verdicts?.rule) ? '; randomized rows: lower of it and PGD EOT ≥ 10' : ''}) | EOT | draws |`,
    '|---|---|---|---|---|---|---|---|---|',
  ];
  // Randomized rows are mean ± std over independent forward draws (older reports have no draws field).
  const pm = (v: number, sd: number | undefined, draws: number | undefined) => ((draws ?? 1) > 1 ? `${v.toFixed(1)} ± ${(sd ?? 0).toFixed(1)}` : v.toFixed(1));
  for (const r of report.rows) {
    const by = r.headline && r.headline !== r.attack ? ` (${r.headline})` : '';
    lines.push(
      `| ${report.method} | ${fmt(r.lambda)} | ${fmt(r.lambdaTh)} | ${r.norm} | ${fmt(r.lambdaN)} | ${pm(r.ca, r.caStd, r.draws)} | ${pm(r.ra, r.raStd, r.draws)}${by} | ${r.randomized ? r.eot : '–'} | ${r.draws ?? 1} |`,
    );
  }
  const verdicts = report.rows.filter((r) => r.verdicts && !r.sameAs);
  if (verdicts.length) {
    lines.push('', 'Robust accuracy verdicts of randomized rows (re-drawn: a point is robust in a draw only if the clean image and every candidate of the attack are right in that draw; single-draw: AutoAttack\'s own, one fresh forward per candidate):');
    for (const r of verdicts) lines.push(`- λ=${fmt(r.lambda)} λ_th=${fmt(r.lambdaTh)}: ${r.verdicts!.summary}`);
  }
  return lines.join('\n');
}
