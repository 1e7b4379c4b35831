import { stat } from '../seeds';
import type { Stat } from '../types';

/**
 * The verdict rules of the reproduction report. They are deliberately strict: a claim that one figure is higher
 * than another needs every seed's spread to support it, and anything the data cannot decide is said so.
 *
 * - **Separation** (`separate`): `a` is *higher* than `b` when mean(a) − mean(b) > std(a) + std(b) (the sample
 *   stds across seeds, added: the "combined std"); *lower* when mean(b) − mean(a) > std(a) + std(b); a *tie*
 *   otherwise. With fewer than {@link MIN_SEEDS} seeds on either side there is no spread, so the comparison is
 *   *untestable*: one seed never decides a claim about methods.
 * - A claim "A beats B" is **reproduced** only when no compared cell is lower and the cells it names are higher;
 *   **not reproduced** when any cell is lower, or when every cell is a tie (the improvement is not shown);
 *   **not testable at this scale** when a cell is untestable (fewer than 2 seeds) or the figure was not measured.
 * - A claim "A is not worse than B" ("similar or better", "keeps accuracy") is reproduced when no cell is lower:
 *   that is a failure to detect a loss, and the reason says so.
 * - Fixed quantities (parameter counts, the analytic delay model) have no seed spread; they are compared exactly.
 */
export const MIN_SEEDS = 2;

export type Verdict = 'reproduced' | 'not reproduced' | 'not testable at this scale';
export type Separation = 'higher' | 'lower' | 'tie' | 'untestable';

export interface Comparison {
  /** What is compared, e.g. "CA at λ = 0.2". */
  what: string;
  a: Stat;
  b: Stat;
  /** mean(a) − mean(b). */
  diff: number;
  /** std(a) + std(b): the margin `diff` must exceed. */
  margin: number;
  separation: Separation;
}

export function separate(a: Stat, b: Stat): Separation {
  if (a.n < MIN_SEEDS || b.n < MIN_SEEDS || !Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return 'untestable';
  const d = a.mean - b.mean;
  const m = a.std + b.std;
  if (d > m) return 'higher';
  if (-d > m) return 'lower';
  return 'tie';
}

export function comparison(what: string, a: Stat, b: Stat): Comparison {
  return { what, a, b, diff: a.mean - b.mean, margin: a.std + b.std, separation: separate(a, b) };
}

export interface Decision {
  verdict: Verdict;
  reason: string;
}

const NOT_MEASURED: Decision = { verdict: 'not testable at this scale', reason: 'not measured in this run' };

function untestable(cs: readonly Comparison[]): Decision | null {
  if (!cs.length) return NOT_MEASURED;
  const u = cs.filter((c) => c.separation === 'untestable');
  if (!u.length) return null;
  const n = Math.min(...u.map((c) => Math.min(c.a.n, c.b.n)));
  return { verdict: 'not testable at this scale', reason: `${u.length} of ${cs.length} comparisons have ${n} seed(s); a comparison needs ≥ ${MIN_SEEDS} seeds per side for a spread` };
}

const list = (cs: readonly Comparison[]) => cs.map((c) => `${c.what} (${c.diff >= 0 ? '+' : ''}${c.diff.toFixed(2)} vs margin ${c.margin.toFixed(2)})`).join('; ');

/**
 * "A beats B": reproduced when no cell is lower and at least `need` cells are higher (default: at least one);
 * `groups` (e.g. CA and RA) each need a higher cell when given.
 */
export function beats(cs: readonly Comparison[], opts: { groups?: Array<(c: Comparison) => boolean>; groupNames?: string[] } = {}): Decision {
  const u = untestable(cs);
  if (u) return u;
  const lower = cs.filter((c) => c.separation === 'lower');
  if (lower.length) return { verdict: 'not reproduced', reason: `lower beyond the combined std: ${list(lower)}` };
  const higher = cs.filter((c) => c.separation === 'higher');
  if (!higher.length) return { verdict: 'not reproduced', reason: `every difference is within the combined std of the seeds (a tie): ${list(cs)}` };
  const groups = opts.groups ?? [];
  const missing = groups.map((g, i) => (cs.filter(g).some((c) => c.separation === 'higher') ? null : opts.groupNames?.[i] ?? `group ${i + 1}`)).filter((x): x is string => x !== null);
  if (missing.length) return { verdict: 'not reproduced', reason: `no ${missing.join(' / ')} cell is higher beyond the combined std (${higher.length} other cell(s) are: ${list(higher)})` };
  return { verdict: 'reproduced', reason: `${higher.length} of ${cs.length} cells higher beyond the combined std, none lower: ${list(higher)}` };
}

/**
 * "A is not worse than B": reproduced when no cell is lower beyond the combined std (a loss was not detected).
 * A spread wider than `maxMargin` cannot detect a loss of that size, so the claim is then not testable.
 */
export function notWorse(cs: readonly Comparison[], opts: { maxMargin?: number } = {}): Decision {
  const u = untestable(cs);
  if (u) return u;
  const lower = cs.filter((c) => c.separation === 'lower');
  if (lower.length) return { verdict: 'not reproduced', reason: `lower beyond the combined std: ${list(lower)}` };
  // Only a tie can hide a loss; a cell higher beyond its spread cannot.
  const wide = opts.maxMargin === undefined ? [] : cs.filter((c) => c.separation === 'tie' && c.margin > opts.maxMargin!);
  if (wide.length) return { verdict: 'not testable at this scale', reason: `no cell is lower, but the seeds' spread is too wide to see a loss of ${opts.maxMargin} points: ${list(wide)}` };
  return { verdict: 'reproduced', reason: `no cell lower beyond the combined std (${cs.filter((c) => c.separation === 'higher').length} higher, ${cs.filter((c) => c.separation === 'tie').length} tied); a loss was not detected, which is not proof of equality` };
}

/** "A is worse than B somewhere": reproduced when at least one cell is lower beyond the combined std. */
export function worseSomewhere(cs: readonly Comparison[]): Decision {
  const u = untestable(cs);
  if (u) return u;
  const lower = cs.filter((c) => c.separation === 'lower');
  if (!lower.length) return { verdict: 'not reproduced', reason: `no cell lower beyond the combined std: ${list(cs)}` };
  return { verdict: 'reproduced', reason: `lower beyond the combined std: ${list(lower)}` };
}

/** Every part must be reproduced; otherwise the weakest part's verdict (untestable before not reproduced). */
export function allOf(parts: ReadonlyArray<{ name: string; decision: Decision }>): Decision {
  const by = (v: Verdict) => parts.filter((p) => p.decision.verdict === v);
  const why = (ps: typeof parts) => ps.map((p) => `${p.name}: ${p.decision.reason}`).join(' | ');
  if (by('not reproduced').length) return { verdict: 'not reproduced', reason: why(by('not reproduced')) };
  if (by('not testable at this scale').length) return { verdict: 'not testable at this scale', reason: why(by('not testable at this scale')) };
  return { verdict: 'reproduced', reason: why(parts) };
}

/** A fixed quantity (no seeds) against a condition; `holds` says whether it meets the claim. */
export function fixed(holds: boolean | null, reason: string): Decision {
  if (holds === null) return { verdict: 'not testable at this scale', reason };
  return { verdict: holds ? 'reproduced' : 'not reproduced', reason };
}

/** Per-seed values as a Stat (NaN left out). */
export const statOf = (values: readonly number[]): Stat => stat(values);
