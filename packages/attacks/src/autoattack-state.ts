import type { AutoAttackLogEntry } from './autoattack-checks';
import type { AutoAttackName } from './autoattack-plan';
import type { LpNorm } from './lp-norm';

export const AUTOATTACK_STATE_FORMAT = 'floatjs-autoattack-state/1';

/**
 * A resumable AutoAttack evaluation, plain JSON: hand it back as `state` to continue at `nextAttack`
 * (e.g. after a crash or on another machine). Adversarial images are base64 little-endian float32.
 */
export type AutoAttackState = {
  format: typeof AUTOATTACK_STATE_FORMAT;
  attacks: AutoAttackName[];
  eps: number;
  /** 'L2' for an ℓ2 run; absent for ℓ∞ (and in states written before ℓ2 existed). */
  norm?: LpNorm;
  /** [n, height, width, channels] of the evaluated images. */
  shape: number[];
  /** Index into `attacks` of the next attack to run (attacks.length when done). */
  nextAttack: number;
  cleanCorrect: boolean[];
  robust: boolean[];
  /** The adversarial example of every point broken so far. */
  adversarial: { index: number; image: string }[];
  log: AutoAttackLogEntry[];
  /**
   * Runs that keep candidates (randomized models): per finished attack, its final candidate for every point,
   * one base64 string of n·h·w·c float32 values. Absent otherwise.
   */
  candidates?: string[];
};

/** Throws a RangeError naming the field if `state` does not belong to this evaluation. */
export function checkResumeState(state: AutoAttackState, attacks: AutoAttackName[], eps: number, shape: number[], norm: LpNorm = 'Linf'): void {
  const where = 'autoAttack: the resume state';
  if (state.format !== AUTOATTACK_STATE_FORMAT) {
    throw new RangeError(`${where} has format ${String(state.format)}, expected ${AUTOATTACK_STATE_FORMAT}`);
  }
  if (state.attacks.join(',') !== attacks.join(',')) {
    throw new RangeError(`${where} was made for attacks [${state.attacks}], this run has [${attacks}]`);
  }
  if (state.eps !== eps) throw new RangeError(`${where} was made with eps ${state.eps}, this run has ${eps}`);
  if ((state.norm ?? 'Linf') !== norm) throw new RangeError(`${where} was made for the ${state.norm ?? 'Linf'} threat model, this run has ${norm}`);
  if (state.shape.join(',') !== shape.join(',')) {
    throw new RangeError(`${where} was made for images [${state.shape}], this run has [${shape}]`);
  }
  const n = shape[0];
  if (state.robust.length !== n || state.cleanCorrect.length !== n) {
    throw new RangeError(`${where} has ${state.robust.length} robust flags and ${state.cleanCorrect.length} clean flags, expected ${n}`);
  }
  if (!(Number.isInteger(state.nextAttack) && state.nextAttack >= 0 && state.nextAttack <= attacks.length)) {
    throw new RangeError(`${where} has nextAttack ${state.nextAttack}, expected an integer in [0, ${attacks.length}]`);
  }
  for (const { index } of state.adversarial) {
    if (!(Number.isInteger(index) && index >= 0 && index < n) || state.robust[index]) {
      throw new RangeError(`${where} has an adversarial example for point ${index}, which is out of range or still robust`);
    }
  }
}

/** Throws a RangeError if `state` was saved by a run that kept candidates and this one does not, or the reverse. */
export function checkStateCandidates(state: AutoAttackState, keep: boolean): void {
  const where = 'autoAttack: the resume state';
  if (!keep && state.candidates !== undefined) throw new RangeError(`${where} holds kept candidates, this run keeps none (set keepCandidates)`);
  if (!keep) return;
  if (!Array.isArray(state.candidates)) throw new RangeError(`${where} holds no kept candidates, this run keeps them (randomized model or version 'rand')`);
  if (state.candidates.length !== state.nextAttack) {
    throw new RangeError(`${where} holds candidates of ${state.candidates.length} attacks, expected ${state.nextAttack} (nextAttack)`);
  }
}
