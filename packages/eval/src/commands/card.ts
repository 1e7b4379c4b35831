import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile, WEIGHTS_FILE, writeFileAtomic } from '@floatjs/checkpoint';
import type { EvalReport } from './evaluate';
import { provenance, sha256File, type Provenance } from '../report/provenance';
import { loadRecipe, recipeInit } from '../recipes/recipe';

/** One evaluated condition of the card: CA and, per attack, RA; `worstRa` is the lowest RA any attack found. */
export interface CardRow {
  lambda: number | null;
  lambdaTh: number | null;
  width: number;
  randomized: boolean;
  ca: number;
  caStd: number;
  /** Per evaluation (same order as `evaluations`): its RA, ± over draws, the headline attack and its EOT. */
  ra: Array<{ attack: string; ra: number; raStd: number; eot: number; draws: number } | null>;
  worstRa: number;
}

export interface ModelCard {
  format: 'floatjs-model-card';
  version: 1;
  model: { method: string; architecture: string; preset: string; dataset: string; init: string; seed: number; weightsSha256: string };
  /** RobustBench's terms: the norm of the perturbation, its budget, the input range it applies to. */
  threatModel: { norm: 'Linf' | 'L2'; eps: number; inputRange: [number, number] };
  training: { epochs: number; batchSize: number; attack: unknown };
  evaluations: Array<{ file: string; attack: EvalReport['attack']; testImages: number; date: string | null }>;
  rows: CardRow[];
  notes: string[];
  provenance: Provenance;
}

/**
 * `float card DIR`: a RobustBench-style model card from a checkpoint and its evaluations. Each evaluation must
 * have been made on these exact weights (its recorded sha256), on the same ε; per condition the card reports
 * every attack's RA and the lowest of them, never a kinder verdict than an attack found.
 */
export function writeCard(dir: string, opts: { evals?: string[]; out?: string } = {}): ModelCard {
  const recipe = loadRecipe(dir);
  const weightsSha256 = sha256File(join(dir, WEIGHTS_FILE));
  const files = opts.evals?.length ? opts.evals : [join(dir, 'eval.json')];
  const notes: string[] = [];
  const reports = files.map((file) => {
    if (!existsSync(file)) throw new Error(`${file}: no evaluation there; run \`float eval ${dir}\` first (or pass --eval FILE)`);
    let r: EvalReport;
    try {
      r = JSON.parse(readRegularFile(file, 256 << 20, 'evaluation').toString('utf8')) as EvalReport;
    } catch (e) {
      throw new Error(`${file}: not a readable evaluation (${(e as Error).message.split('\n')[0]})`, { cause: e });
    }
    if (!Array.isArray(r.rows) || !r.attack) throw new Error(`${file}: not a float eval report (no rows or attack)`);
    const recorded = r.provenance?.weightsSha256;
    if (recorded && recorded !== weightsSha256) throw new Error(`${file}: made on other weights (sha256 ${recorded.slice(0, 12)}…, ${WEIGHTS_FILE} is ${weightsSha256.slice(0, 12)}…); re-evaluate`);
    if (!recorded) notes.push(`${file} records no weights hash (made before provenance existed): that it belongs to these weights is not verified.`);
    return { file, r };
  });
  const eps = reports[0]!.r.attack.eps;
  for (const { file, r } of reports) if (r.attack.eps !== eps) throw new Error(`${file}: ε = ${r.attack.eps}, but ${reports[0]!.file} has ε = ${eps}; a card has one threat model`);
  if (eps === undefined) throw new Error(`${reports[0]!.file}: the attack records no ε`);
  const norm = reports[0]!.r.attack.norm ?? 'Linf';
  for (const { file, r } of reports) {
    if ((r.attack.norm ?? 'Linf') !== norm) throw new Error(`${file}: threat model ${r.attack.norm ?? 'Linf'}, but ${reports[0]!.file} has ${norm}; a card has one threat model`);
  }

  const key = (l: number | null, t: number | null, w: number) => `${l}|${t}|${w}`;
  const rows = new Map<string, CardRow>();
  reports.forEach(({ r }, i) => {
    for (const row of r.rows) {
      const k = key(row.lambda, row.lambdaTh, row.width);
      const entry = rows.get(k) ?? { lambda: row.lambda, lambdaTh: row.lambdaTh, width: row.width, randomized: row.randomized, ca: row.ca, caStd: row.caStd ?? 0, ra: reports.map(() => null), worstRa: Number.POSITIVE_INFINITY };
      entry.ra[i] = { attack: row.headline ?? row.attack, ra: row.ra, raStd: row.raStd ?? 0, eot: row.eot, draws: row.draws ?? 1 };
      entry.worstRa = Math.min(entry.worstRa, row.ra);
      rows.set(k, entry);
    }
  });
  // Rows an evaluation found to configure the model identically (`sameAs`, e.g. λ = 1 under λ_th = 0 and 0.5)
  // share their worst case: an attack that broke one configuration broke the other.
  const same = new Map<string, string>();
  const root = (k: string): string => (same.has(k) && same.get(k) !== k ? root(same.get(k)!) : k);
  for (const { r } of reports) {
    for (const row of r.rows) {
      if (!row.sameAs) continue;
      const a = root(key(row.lambda, row.lambdaTh, row.width));
      const b = root(key(row.sameAs.lambda, row.sameAs.lambdaTh, row.width));
      if (a !== b) same.set(a, b);
    }
  }
  const groupWorst = new Map<string, number>();
  for (const [k, entry] of rows) groupWorst.set(root(k), Math.min(groupWorst.get(root(k)) ?? Number.POSITIVE_INFINITY, entry.worstRa));
  for (const [k, entry] of rows) {
    const worst = groupWorst.get(root(k))!;
    if (worst < entry.worstRa) {
      entry.worstRa = worst;
      notes.push(`λ = ${entry.lambda}, λ_th = ${entry.lambdaTh} configures the model exactly as another row does; its worst-case RA includes that row's attacks.`);
    }
  }
  if (reports.some(({ r }) => r.rows.some((x) => x.randomized))) {
    notes.push('Randomized conditions (weight noise on every forward) were attacked with EOT and are reported as the mean ± std over forward draws.');
  }
  const card: ModelCard = {
    format: 'floatjs-model-card',
    version: 1,
    model: { method: recipe.method, architecture: recipe.architecture, preset: recipe.preset, dataset: recipe.dataset, init: recipeInit(recipe), seed: recipe.seed, weightsSha256 },
    threatModel: { norm, eps, inputRange: [0, 1] },
    training: { epochs: recipe.training.epochs, batchSize: recipe.training.batchSize, attack: recipe.training.attack },
    evaluations: reports.map(({ file, r }) => ({ file, attack: r.attack, testImages: r.testImages, date: r.provenance?.date ?? null })),
    rows: [...rows.values()],
    notes,
    provenance: provenance({ seed: recipe.seed, weightsSha256 }),
  };
  const out = opts.out ?? dir;
  writeFileAtomic(join(out, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  writeFileAtomic(join(out, 'card.md'), cardMarkdown(card));
  return card;
}

const pct = (v: number, sd: number, randomized: boolean) => (randomized ? `${v.toFixed(1)} ± ${sd.toFixed(1)}` : v.toFixed(1));

/** The card as Markdown, made from the JSON alone. */
export function cardMarkdown(c: ModelCard): string {
  const atk = (e: ModelCard['evaluations'][number]) => {
    const a = e.attack;
    const budget = a.steps !== undefined ? `, ${a.steps} steps of ${a.stepSize}${a.randomStart ? ', random start' : ''}` : '';
    return `${a.name}${budget}`;
  };
  const L = [
    `# Model card: ${c.model.method} on ${c.model.dataset} (${c.model.architecture})`,
    '',
    `- Threat model: ${c.threatModel.norm === 'L2' ? 'ℓ2' : 'ℓ∞'}, ε = ${c.threatModel.eps} on inputs in [${c.threatModel.inputRange.join(', ')}]`,
    `- Weights: \`${c.model.weightsSha256}\` (sha256 of ${WEIGHTS_FILE})`,
    `- Training: preset ${c.model.preset}, ${c.training.epochs} epochs, batch ${c.training.batchSize}, init ${c.model.init}, seed ${c.model.seed}`,
    ...c.evaluations.map((e, i) => `- Evaluation ${i + 1}: ${atk(e)} on ${e.testImages} test images${e.date ? ` (${e.date})` : ''}`),
    '',
    `| λ | λ_th | width | randomized | CA (%) | ${c.evaluations.map((_, i) => `RA eval ${i + 1} (%)`).join(' | ')} | worst-case RA (%) |`,
    `|---|---|---|---|---|${c.evaluations.map(() => '---|').join('')}---|`,
    ...c.rows.map((r) => {
      const ras = r.ra.map((x) => (x ? `${pct(x.ra, x.raStd, r.randomized)} (${x.attack}${x.eot > 1 ? `, EOT ${x.eot}` : ''})` : '–'));
      return `| ${r.lambda ?? '–'} | ${r.lambdaTh ?? '–'} | ${r.width} | ${r.randomized ? 'yes' : 'no'} | ${pct(r.ca, r.caStd, r.randomized)} | ${ras.join(' | ')} | **${r.worstRa.toFixed(1)}** |`;
    }),
    '',
    'A point counts as robust only if its clean and its adversarial input are both classified right in the same forward draw. The worst-case column is the lowest RA any listed attack found.',
    ...(c.notes.length ? ['', ...c.notes.map((n) => `- ${n}`)] : []),
    '',
  ];
  return L.join('\n');
}
