import type { PaperReport } from './types';

const esc = (s: string) => s.replace(/\|/g, '\\|');
const MARK: Record<string, string> = { reproduced: '✅ reproduced', 'not reproduced': '❌ not reproduced', 'not testable at this scale': '➖ not testable at this scale' };

/** The reproduction report's Markdown, made from its JSON alone. */
export function paperMarkdown(r: PaperReport): string {
  const L: string[] = [];
  const count = (v: string) => r.claims.filter((c) => c.verdict === v).length;
  L.push('# FLOAT (Kundu et al., WACV 2023), reproduced at small scale', '');
  L.push(
    `- scale: ${r.scale}`,
    `- preset \`${r.preset}\` (${r.dataset}, \`${r.architecture}\`), ${r.epochs} epoch(s), training images ${r.trainLimit ?? 'all'}, ${r.testImages} test images, seeds ${r.seeds.join(', ')}`,
    `- wall time ${r.seconds.toFixed(0)} s; written ${r.createdAt}; commit ${r.provenance.git?.commit ?? '–'}${r.provenance.git?.dirty ? ' (dirty)' : ''}`,
    `- command: \`${(r.provenance.argv ?? []).join(' ') || '–'}\``,
    `- verdicts: ${count('reproduced')} reproduced, ${count('not reproduced')} not reproduced, ${count('not testable at this scale')} not testable at this scale (of ${r.claims.length})`,
    '',
    '## Verdict rules',
    '',
    ...r.rules.map((x) => `- ${x}`),
    '',
    '## Claims',
    '',
    '| # | claim | paper (source) | measured here (mean ± std, n seeds) | verdict | reason |',
    '|---|---|---|---|---|---|',
  );
  r.claims.forEach((c, i) => {
    L.push(`| ${i + 1} | ${esc(c.claim)} | ${esc(c.paper)} (${esc(c.source)}) | ${esc(c.measured)} | ${MARK[c.verdict] ?? c.verdict} | ${esc(c.reason)} |`);
  });
  L.push('', '## Parts', '', '| experiment | runs reused | runs trained | evaluations reused | wall s | report |', '|---|---|---|---|---|---|');
  for (const p of r.parts) L.push(`| ${p.experiment} | ${p.reusedRuns} | ${p.trainedRuns} | ${p.reusedEvals} | ${p.seconds.toFixed(0)} | [${p.dir}/report.md](${p.dir}/report.md) |`);
  L.push('');
  if (r.notes.length) L.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  L.push('## Figures', '');
  for (const f of r.figures) L.push(`### ${f.figure}: ${f.title}`, '', `![${f.id}](${f.id}.png)`, '');
  L.push('Each plot is made from the `figures` of report.json (`float experiment paper --render` re-makes it); points are means across seeds, bars ± 1 std.', '');
  return `${L.join('\n')}\n`;
}
