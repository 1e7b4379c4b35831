import type * as tf from '@tensorflow/tfjs-core';
import { apgd } from './apgd';
import { apgdTargeted } from './apgd-targeted';
import { fab } from './fab';
import type { LpNorm } from './lp-norm';
import { square } from './square';
import type { LogitsFn } from './types';

export type AutoAttackName = 'apgd-ce' | 'apgd-dlr' | 'apgd-t' | 'fab' | 'fab-t' | 'square';
export type AutoAttackVersion = 'standard' | 'plus' | 'rand' | 'custom';

export const AUTOATTACK_NAMES: readonly AutoAttackName[] = ['apgd-ce', 'apgd-dlr', 'apgd-t', 'fab', 'fab-t', 'square'];

/** Everything that decides which attacks run and how hard; resolved from the version and overrides. */
export type AutoAttackPlan = {
  attacks: AutoAttackName[];
  eps: number;
  /** Threat model of every attack: 'Linf' (default) or 'L2' (the reference's ℓ2 versions of the same lists). */
  norm: LpNorm;
  /** APGD-CE and APGD-DLR restarts. */
  apgdRestarts: number;
  /** Untargeted FAB restarts (FAB-T always runs once per target class, as in the reference). */
  fabRestarts: number;
  /** EOT draws per APGD step (APGD-CE, APGD-DLR, APGD-T). */
  eot: number;
  /** APGD, APGD-T and FAB iterations. */
  nIter: number;
  /** Square queries. */
  nQueries: number;
  /** Target classes of APGD-T and FAB-T (clamped to classes − 1 by the attacks). */
  nTargetClasses: number;
};

export type PlanOverrides = Partial<Omit<AutoAttackPlan, 'attacks' | 'eps'>> & { attacks?: AutoAttackName[] };

/**
 * The attack lists of the reference `set_version`:
 * - standard: APGD-CE → APGD-T (9 targets) → FAB-T (9 targets) → Square (5000 queries), one restart each;
 * - plus: APGD-CE (5 restarts) → APGD-DLR (5) → FAB (5) → Square (5000) → APGD-T → FAB-T;
 * - rand: APGD-CE → APGD-DLR, one restart, EOT 20 (for randomized models);
 * - custom: the given `attacks` with the standard settings.
 */
export function autoAttackPlan(version: AutoAttackVersion, eps: number, overrides: PlanOverrides = {}): AutoAttackPlan {
  const base = { eps, norm: 'Linf' as LpNorm, apgdRestarts: 1, fabRestarts: 1, eot: 1, nIter: 100, nQueries: 5000, nTargetClasses: 9 };
  let plan: AutoAttackPlan;
  switch (version) {
    case 'standard':
      plan = { ...base, attacks: ['apgd-ce', 'apgd-t', 'fab-t', 'square'] };
      break;
    case 'plus':
      plan = { ...base, attacks: ['apgd-ce', 'apgd-dlr', 'fab', 'square', 'apgd-t', 'fab-t'], apgdRestarts: 5, fabRestarts: 5 };
      break;
    case 'rand':
      plan = { ...base, attacks: ['apgd-ce', 'apgd-dlr'], eot: 20 };
      break;
    case 'custom':
      if (!overrides.attacks || overrides.attacks.length === 0) {
        throw new RangeError("autoAttack: version 'custom' needs a non-empty `attacks` list");
      }
      plan = { ...base, attacks: [] };
      break;
    default:
      throw new RangeError(`autoAttack: version must be 'standard', 'plus', 'rand' or 'custom', got ${String(version)}`);
  }
  if (overrides.attacks && version !== 'custom') {
    throw new RangeError(`autoAttack: \`attacks\` would override version '${version}'; use version 'custom'`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  plan = { ...plan, ...defined };
  for (const name of plan.attacks) {
    if (!AUTOATTACK_NAMES.includes(name)) throw new RangeError(`autoAttack: unknown attack '${name}' (known: ${AUTOATTACK_NAMES.join(', ')})`);
  }
  return plan;
}

/**
 * Attack `name` of the plan as a function of (logitsFn, x, y), seeded with `seed`. `attackMisclassified`:
 * APGD-CE and APGD-DLR also attack the points they find misclassified at x (kept candidates, randomized models).
 */
export function runPlannedAttack(
  name: AutoAttackName,
  plan: AutoAttackPlan,
  seed: number,
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  { attackMisclassified = false }: { attackMisclassified?: boolean } = {},
): tf.Tensor4D {
  const { eps, norm, nIter, eot } = plan;
  switch (name) {
    case 'apgd-ce':
      return apgd(logitsFn, x, y, { eps, norm, nIter, eot, nRestarts: plan.apgdRestarts, loss: 'ce', seed, attackMisclassified });
    case 'apgd-dlr':
      return apgd(logitsFn, x, y, { eps, norm, nIter, eot, nRestarts: plan.apgdRestarts, loss: 'dlr', seed, attackMisclassified });
    case 'apgd-t':
      return apgdTargeted(logitsFn, x, y, { eps, norm, nIter, eot, nRestarts: 1, nTargetClasses: plan.nTargetClasses, seed });
    case 'fab':
      return fab(logitsFn, x, y, { eps, norm, nIter, nRestarts: plan.fabRestarts, targeted: false, seed });
    case 'fab-t':
      return fab(logitsFn, x, y, { eps, norm, nIter, nRestarts: 1, targeted: true, nTargetClasses: plan.nTargetClasses, seed });
    case 'square':
      return square(logitsFn, x, y, { eps, norm, nQueries: plan.nQueries, pInit: 0.8, nRestarts: 1, seed });
  }
}

/** The fewest classes each attack's loss needs (DLR: 3, targeted DLR: 4, targets: 2). */
export function minimumClasses(name: AutoAttackName): number {
  return name === 'apgd-dlr' ? 3 : name === 'apgd-t' ? 4 : 2;
}
