import * as tf from '@tensorflow/tfjs-core';
import { autoAttack, fgsm, pgd, type AutoAttackName, type AutoAttackReport, type AutoAttackState, type AutoAttackVersion, type LpNorm } from '@floatjs/attacks';
import type { LogitsFn } from '@floatjs/engine';
import type { PgdSpec } from '../recipes/presets';

/** What `float eval --attack` accepts. */
export const EVAL_ATTACKS = ['pgd', 'fgsm', 'apgd-ce', 'apgd-dlr', 'apgd-t', 'fab-t', 'square', 'autoattack-standard', 'autoattack-plus', 'autoattack-rand', 'transfer:DIR'] as const;

export type ParsedAttack =
  | { kind: 'pgd' | 'fgsm' }
  | { kind: 'autoattack'; version: AutoAttackVersion; attacks?: AutoAttackName[] }
  | { kind: 'transfer'; sourceDir: string };

const SINGLE: readonly AutoAttackName[] = ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab-t', 'square'];

export function parseAttack(name: string): ParsedAttack {
  if (name === 'pgd' || name === 'fgsm') return { kind: name };
  if ((SINGLE as readonly string[]).includes(name)) return { kind: 'autoattack', version: 'custom', attacks: [name as AutoAttackName] };
  const aa = /^autoattack-(standard|plus|rand)$/.exec(name);
  if (aa) return { kind: 'autoattack', version: aa[1] as AutoAttackVersion };
  if (name.startsWith('transfer:') && name.length > 'transfer:'.length) return { kind: 'transfer', sourceDir: name.slice('transfer:'.length) };
  throw new Error(`--attack: unknown attack "${name}"; expected one of: ${EVAL_ATTACKS.join(', ')}`);
}

/** The label rows and reports carry, e.g. `pgd-20`, `autoattack-rand`, `transfer-pgd-20`; ℓ2 ones end in `-l2`. */
export function attackLabel(a: ParsedAttack, spec: PgdSpec, norm: LpNorm = 'Linf'): string {
  const suffix = norm === 'L2' ? '-l2' : '';
  if (a.kind === 'pgd') return `pgd-${spec.steps}${suffix}`;
  if (a.kind === 'fgsm') return 'fgsm';
  if (a.kind === 'transfer') return `transfer-pgd-${spec.steps}${suffix}`;
  if (a.kind !== 'autoattack') throw new Error(`unreachable attack kind`);
  return `${a.version === 'custom' ? (a.attacks ?? []).join('+') : `autoattack-${a.version}`}${suffix}`;
}

export interface CraftContext {
  logitsFn: LogitsFn;
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  spec: PgdSpec;
  /** The threat model of every attack; FGSM is ℓ∞ only. */
  norm: LpNorm;
  /** Gradient draws per step for this condition (1 when deterministic). */
  eot: number;
  /** Whether `eot` was chosen by the user (autoattack-rand otherwise keeps its own EOT 20). */
  eotExplicit: boolean;
  randomized: boolean;
  /** A fresh seed per call (per batch for PGD, once for AutoAttack), from the condition's seeded stream. */
  nextSeed: () => number;
  batchSize: number;
  /** AutoAttack iteration / query overrides for quick runs (defaults: 100 / 5000). */
  aaIter?: number;
  aaQueries?: number;
  /** Transfer attacks: the source model bound to its condition, and whether it is randomized. */
  source?: { logitsFn: LogitsFn; eot: number };
  log?: (line: string) => void;
  /** AutoAttack: resume from this state, and hand every attack's state to `onAttackDone` (to save it). */
  autoattackState?: AutoAttackState;
  onAttackDone?: (state: AutoAttackState) => void;
}

export type AutoAttackSummary = Omit<AutoAttackReport, 'cleanCorrect' | 'robust'>;

export type Crafted = {
  xAdv: tf.Tensor4D;
  /**
   * AutoAttack on a randomized condition: every attack's final candidate per point (never x for an attacked
   * point), for a re-drawn verdict that is worst case across them within each draw.
   */
  candidates?: tf.Tensor4D[];
  autoattack?: AutoAttackSummary;
  /** AutoAttack's whole report, per-point flags included. */
  autoattackReport?: AutoAttackReport;
};

/** Crafts adversarial examples for the whole test set; the caller disposes `xAdv` and `candidates`. */
export async function craft(a: ParsedAttack, c: CraftContext): Promise<Crafted> {
  if (a.kind === 'autoattack') {
    const { xAdv, candidates, report } = await autoAttack(c.logitsFn, c.x, c.y, {
      eps: c.spec.eps,
      norm: c.norm,
      version: a.version,
      ...(a.attacks ? { attacks: a.attacks } : {}),
      seed: c.nextSeed(),
      batchSize: c.batchSize,
      // One clean forward of a randomized model is one noise draw: attack every point, not only the lucky ones.
      attackAll: c.randomized,
      // One fresh forward per candidate is one draw: keep every attack's candidate for the re-drawn verdict.
      keepCandidates: c.randomized,
      ...(c.randomized && (a.version !== 'rand' || c.eotExplicit) ? { eot: c.eot } : {}),
      ...(c.aaIter !== undefined ? { nIter: c.aaIter } : {}),
      ...(c.aaQueries !== undefined ? { nQueries: c.aaQueries } : {}),
      log: c.log,
      ...(c.autoattackState ? { state: c.autoattackState } : {}),
      ...(c.onAttackDone ? { onAttackDone: c.onAttackDone } : {}),
    });
    const { cleanCorrect: _c, robust: _r, ...summary } = report;
    return { xAdv, ...(candidates ? { candidates: candidates.map((k) => k.xAdv) } : {}), autoattack: summary, autoattackReport: report };
  }
  const f = a.kind === 'transfer' ? c.source!.logitsFn : c.logitsFn;
  const eot = a.kind === 'transfer' ? c.source!.eot : c.eot;
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < c.x.shape[0]; start += c.batchSize) {
      const size = Math.min(c.batchSize, c.x.shape[0] - start);
      const xb = tf.slice(c.x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const yb = tf.slice(c.y, [start], [size]);
      try {
        parts.push(a.kind === 'fgsm' ? fgsm(f, xb, yb, { eps: c.spec.eps }) : pgd(f, xb, yb, { ...c.spec, norm: c.norm, eot, seed: c.nextSeed() }));
      } finally {
        tf.dispose([xb, yb]);
      }
    }
    return { xAdv: tf.concat(parts, 0) };
  } finally {
    tf.dispose(parts);
  }
}
