export type { AttackFn, LogitsFn } from './types';
export { fgsm, type FgsmOptions } from './fgsm';
export { pgd, type PgdOptions } from './pgd';
export { accuracy, type BatchOptions } from './accuracy';
export { attackAccuracy, type AttackAccuracy } from './attack-accuracy';
export { crossEntropyPerSample } from './cross-entropy';
export { projectLinf } from './project-linf';
export { LINF_STEP, linfStep, type LinfStepAttrs } from './linf-step';
export { deriveSeed } from './seed';
export { apgd, type ApgdLoss, type ApgdOptions } from './apgd';
export { apgdCheckpoints } from './apgd-checkpoints';
export { apgdTargeted, type ApgdTargetedOptions } from './apgd-targeted';
export type { IterateHook } from './apgd-run';
export { dlrLoss, targetedDlrLoss } from './dlr-loss';
export { eotLossGradient, type EotEvaluation, type PerSampleLoss } from './eot-gradient';
export { fab, type FabOptions } from './fab';
export { projectLinfHyperplaneBox, type HyperplaneProjection } from './linf-hyperplane-projection';
export { square, squarePSchedule, type SquareOptions } from './square';
export { checkNorm, l2PerSample, lpPerSample, normalizeL2, projectBall, projectL2, steepestDirection, LP_NORMS, type LpNorm } from './lp-norm';
export { projectL2HyperplaneBox } from './l2-hyperplane-projection';
export { randomSampling, type RandomSamplingOptions } from './random-sampling';
export { autoAttack, type AutoAttackOptions, type AutoAttackReport, type AutoAttackResult } from './autoattack';
export {
  AUTOATTACK_NAMES,
  autoAttackPlan,
  type AutoAttackName,
  type AutoAttackPlan,
  type AutoAttackVersion,
} from './autoattack-plan';
export { AUTOATTACK_STATE_FORMAT, type AutoAttackState } from './autoattack-state';
export type { AutoAttackCandidate } from './autoattack-candidates';
export { redrawnAccuracy, type DrawnFigure, type RedrawnAccuracy, type RedrawnAccuracyOptions } from './redrawn-accuracy';
export type { AutoAttackLogEntry, SanityCheck } from './autoattack-checks';
export {
  obfuscatedGradientsChecklist,
  type ChecklistCheck,
  type ChecklistCheckId,
  type ChecklistOptions,
  type ChecklistReport,
  type CurvePoint,
} from './checklist';
