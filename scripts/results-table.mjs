// Prints the README's results table from runs/<preset>-<method>/{summary,eval}.json.
// Usage: node scripts/results-table.mjs runs/fmnist-quick-standard runs/fmnist-quick-pgd-at runs/fmnist-quick-float
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const rows = ['| method | λ | λ_th | BN | λn | CA % | RA % (PGD-20) | EOT | train s | params |', '|---|---|---|---|---|---|---|---|---|---|'];
for (const dir of process.argv.slice(2)) {
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  const e = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'));
  for (const r of e.rows) {
    const f = (v) => (v === null ? '–' : String(Number(v.toFixed(2))));
    const same = r.sameAs ? ' (same as λ_th=' + r.sameAs.lambdaTh + ')' : '';
    rows.push(`| ${e.method} | ${f(r.lambda)} | ${f(r.lambdaTh)} | ${r.norm} | ${f(r.lambdaN)} | ${r.ca.toFixed(1)} | ${r.ra.toFixed(1)}${same} | ${r.randomized ? r.eot : '–'} | ${s.trainSeconds.toFixed(0)} | ${s.params.trainable} |`);
  }
}
console.log(rows.join('\n'));
