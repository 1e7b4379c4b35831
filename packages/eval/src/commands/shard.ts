import type { AutoAttackLogEntry, AutoAttackName, AutoAttackReport, SanityCheck } from '@floatjs/attacks';
import type { AutoAttackSummary } from '../attack/eval-attack';
import type { DrawnRobust } from '../attack/draw-accuracy';

/** `--shard i/n`: the i-th (1-based) of n slices of the test set. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** What a shard report records of its slice: global batches [firstBatch, endBatch) = points [start, end). */
export interface ShardRecord extends ShardSpec {
  start: number;
  end: number;
  firstBatch: number;
  endBatch: number;
  /** Global batches of the whole (possibly --limit'ed) test set, and its points. */
  batches: number;
  testImages: number;
}

/** Parses `i/n` (1 ≤ i ≤ n, integers); a one-line error naming the flag otherwise. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard: expected i/n with integers 1 ≤ i ≤ n (e.g. 2/4), got "${text}"`);
  }
  return { index, count };
}

/**
 * The slice of shard i of n over `testImages` points in global batches of `batchSize`: whole batches only, so
 * that every batch (and the noise and attack seeds keyed by its position) is the same in every sharding.
 * Shard i gets batches [⌊(i−1)·B/n⌋, ⌊i·B/n⌋) of the B batches; more shards than batches are refused.
 */
export function shardRange(testImages: number, batchSize: number, shard: ShardSpec): ShardRecord {
  const batches = Math.ceil(testImages / batchSize);
  if (shard.count > batches) {
    throw new Error(`--shard: ${shard.count} shards, but the ${testImages} test points make only ${batches} batch${batches === 1 ? '' : 'es'} of ${batchSize}; use at most ${batches} shards or a smaller --batch-size`);
  }
  const firstBatch = Math.floor(((shard.index - 1) * batches) / shard.count);
  const endBatch = Math.floor((shard.index * batches) / shard.count);
  return { ...shard, start: firstBatch * batchSize, end: Math.min(endBatch * batchSize, testImages), firstBatch, endBatch, batches, testImages };
}

/** `DIR/eval.shard-<i>-of-<n>.json`, the default report file of a shard. */
export function shardReportName(shard: ShardSpec): string {
  return `eval.shard-${shard.index}-of-${shard.count}.json`;
}

/** AutoAttack on one global batch, as counts (percentages of the whole are computed from their sums). */
export interface AutoAttackPart {
  version: AutoAttackReport['version'];
  attacks: AutoAttackName[];
  eps: number;
  norm: AutoAttackReport['norm'];
  keptCandidates: boolean;
  randomized: boolean;
  /** Points the clean pass classified right, and points robust (unbroken and clean-right) at the end. */
  clean: number;
  robust: number;
  /** Per point of the batch, '1' robust at the end (unbroken and clean-right), '0' not. */
  points: string;
  log: Array<Omit<AutoAttackLogEntry, 'robustAccuracy'> & { robustAndClean: number }>;
  checks: SanityCheck[];
}

/** One condition on one global batch: everything the row is computed from. */
export interface EvalPart {
  /** First point (global index) and points of the batch. */
  start: number;
  size: number;
  /** Per draw, points whose clean forward was right. */
  clean: number[];
  /** Per attack group (the attack; PGD EOT ≥ 10 beside autoattack-rand), per draw, points robust. */
  robust: number[][];
  autoattack?: AutoAttackPart;
  seconds: number;
}

/** The counts of one batch's AutoAttack run (its report holds per-point flags and percentages of the batch). */
export function autoAttackPart(report: Omit<AutoAttackReport, 'resumedAt'>): AutoAttackPart {
  const n = report.n;
  const robustAndClean = report.robust.map((r, i) => r && report.cleanCorrect[i]);
  return {
    version: report.version,
    attacks: report.attacks,
    eps: report.eps,
    norm: report.norm,
    keptCandidates: report.keptCandidates,
    randomized: report.randomized,
    clean: report.cleanCorrect.filter(Boolean).length,
    robust: robustAndClean.filter(Boolean).length,
    points: robustAndClean.map((r) => (r ? '1' : '0')).join(''),
    // robustAccuracy = 100·k/n exactly as computed, so k is recovered without error.
    log: report.log.map(({ robustAccuracy, ...e }) => ({ ...e, robustAndClean: Math.round((robustAccuracy * n) / 100) })),
    checks: report.checks,
  };
}

const percent = (k: number, n: number) => (n ? (100 * k) / n : 0);

/** Mean, sample std and per-draw percentages of per-draw counts over n points (as redrawnAccuracy computes them). */
export function drawnFigure(counts: number[], n: number): { mean: number; std: number; perDraw: number[] } {
  const perDraw = counts.map((k) => percent(k, n));
  const mean = perDraw.reduce((a, b) => a + b, 0) / perDraw.length;
  const std = perDraw.length < 2 ? 0 : Math.sqrt(perDraw.reduce((a, b) => a + (b - mean) ** 2, 0) / (perDraw.length - 1));
  return { mean, std, perDraw };
}

/** Element-wise sums of the parts' per-draw counts. */
function sumCounts(parts: EvalPart[], pick: (p: EvalPart) => number[]): number[] {
  const out = pick(parts[0]).map(() => 0);
  for (const p of parts) pick(p).forEach((k, d) => (out[d] += k));
  return out;
}

/** A row's figures from its parts (in point order): clean, each group's robust figures, and AutoAttack's summary. */
export function combineParts(parts: EvalPart[]): { n: number; clean: { ca: number; caStd: number; caDraws: number[] }; robust: DrawnRobust[]; autoattack?: AutoAttackSummary } {
  if (parts.length === 0) throw new Error('no evaluated batches to combine');
  const n = parts.reduce((a, p) => a + p.size, 0);
  const c = drawnFigure(sumCounts(parts, (p) => p.clean), n);
  const robust = parts[0].robust.map((_, g) => {
    const f = drawnFigure(sumCounts(parts, (p) => p.robust[g]), n);
    return { ra: f.mean, raStd: f.std, raDraws: f.perDraw };
  });
  const aa = parts.every((p) => p.autoattack) ? combineAutoAttack(parts.map((p) => p.autoattack!), n) : undefined;
  return { n, clean: { ca: c.mean, caStd: c.std, caDraws: c.perDraw }, robust, ...(aa ? { autoattack: aa } : {}) };
}

/** AutoAttack's summary over batches: counts added up, each sanity check passed only if it passed on every batch. */
function combineAutoAttack(parts: AutoAttackPart[], n: number): AutoAttackSummary {
  const first = parts[0];
  const cleanAccuracy = percent(parts.reduce((a, p) => a + p.clean, 0), n);
  const log: AutoAttackLogEntry[] = first.log.map((e, a) => {
    const sum = (f: (x: AutoAttackPart['log'][number]) => number) => parts.reduce((acc, p) => acc + f(p.log[a]), 0);
    return { attack: e.attack, attacked: sum((x) => x.attacked), broken: sum((x) => x.broken), robustAfter: sum((x) => x.robustAfter), robustAccuracy: percent(sum((x) => x.robustAndClean), n), seconds: sum((x) => x.seconds) };
  });
  const checks: SanityCheck[] = [];
  for (const check of first.checks) {
    const all = parts.map((p) => p.checks.find((c) => c.name === check.name)).filter((c): c is SanityCheck => c !== undefined);
    const failed = all.find((c) => !c.passed);
    checks.push(failed ?? check);
  }
  return {
    version: first.version,
    attacks: first.attacks,
    eps: first.eps,
    norm: first.norm,
    n,
    cleanAccuracy,
    robustAccuracy: percent(parts.reduce((a, p) => a + p.robust, 0), n),
    keptCandidates: first.keptCandidates,
    robustAccuracyAfter: [{ stage: 'clean', robustAccuracy: cleanAccuracy }, ...log.map((e) => ({ stage: e.attack, robustAccuracy: e.robustAccuracy }))],
    log,
    checks,
    randomized: parts.some((p) => p.randomized),
    resumedAt: 0,
  };
}
