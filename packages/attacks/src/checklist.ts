import type * as tf from '@tensorflow/tfjs-core';
import { attackAccuracy } from './attack-accuracy';
import { checkBatch, checkEps, checkInteger, checkSeed } from './check-options';
import { pgd } from './pgd';
import { randomSampling } from './random-sampling';
import { deriveSeed } from './seed';
import type { AttackFn, LogitsFn } from './types';

export type ChecklistOptions = {
  /** The ε the defense claims, pixel units. */
  eps: number;
  /** PGD steps of the white-box reference attack and of the ε curve. Default 20. */
  steps?: number;
  /** PGD step size at `eps`; the curves use 2.5·ε/steps for each ε and step count. Default 2.5·eps/steps. */
  stepSize?: number;
  /** EOT draws per gradient (randomized models; also averages the random-sampling logits). Default 1. */
  eot?: number;
  /** Default 0. */
  seed?: number;
  /** Default 128. */
  batchSize?: number;
  /** Source model of the black-box (transfer) check, e.g. an independently trained model; without it, check (ii) is skipped. */
  sourceLogitsFn?: LogitsFn;
  /** ε values of the RA(ε) curve. Default ε/2, ε, 2ε, 4ε, 8ε, 0.5, 1 (capped at 1, sorted, deduplicated). */
  epsGrid?: number[];
  /** PGD step counts of the RA(K) curve. Default 1, 2, 5, 10, 20, 50. */
  stepsGrid?: number[];
  /** Random samples per point for check (v). Default 20. */
  randomSamples?: number;
  /** Slack in percentage points for comparisons between attacks and along curves. Default 2. */
  tolerance?: number;
  /** RA (percent) the largest ε must bring the model down to for check (iv). Default 1. */
  unboundedMaxRa?: number;
};

const PGD_STREAM = 1;
const RANDOM_STREAM = 2;

export type ChecklistCheckId = 'i' | 'ii' | 'iii' | 'iv' | 'v' | 'vi';

/** One row of the checklist: `passed` is null when the check could not run (see `note`). */
export type ChecklistCheck = {
  id: ChecklistCheckId;
  name: string;
  /** The warning sign it looks for (Athalye et al. 2018, §3.1; FLOAT Table 2). */
  description: string;
  passed: boolean | null;
  /** The measured numbers, robust accuracies in percent. */
  figures: Record<string, number>;
  note?: string;
};

export type CurvePoint<K extends string> = Record<K, number> & { robustAccuracy: number };

export type ChecklistReport = {
  eps: number;
  n: number;
  cleanAccuracy: number;
  /** RA under the white-box reference PGD at `eps`. */
  pgdRobustAccuracy: number;
  checks: ChecklistCheck[];
  /** Every check that ran passed. */
  passed: boolean;
  /** For plotting: RA against ε and against PGD steps. */
  curves: { eps: CurvePoint<'eps'>[]; steps: CurvePoint<'steps'>[] };
};

/**
 * The obfuscated-gradients checklist (Athalye, Carlini & Wagner 2018; the FLOAT paper's Table 2),
 * measured rather than asserted. Each check compares robust accuracies (RA, percent) of attacks that a
 * model with honest gradients must order in a known way:
 * (i) one-step FGSM is weaker than iterative PGD; (ii) a transfer (black-box) attack is weaker than
 * white-box PGD; (iii) RA does not rise as ε grows; (iv) an unbounded attack (ε up to 1) reaches ~0% RA;
 * (v) random sampling in the ε-ball is weaker than PGD; (vi) RA does not rise with more PGD steps.
 * A failed check is a warning sign of gradient masking, not proof.
 */
export async function obfuscatedGradientsChecklist(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: ChecklistOptions,
): Promise<ChecklistReport> {
  const {
    eps,
    steps = 20,
    eot = 1,
    seed = 0,
    batchSize = 128,
    sourceLogitsFn,
    randomSamples = 20,
    tolerance = 2,
    unboundedMaxRa = 1,
  } = options;
  const stepSize = options.stepSize ?? (2.5 * eps) / steps;
  checkEps('checklist', eps);
  checkInteger('checklist', 'steps', steps, 1);
  checkInteger('checklist', 'eot', eot, 1);
  checkInteger('checklist', 'randomSamples', randomSamples, 1);
  checkSeed('checklist', seed);
  checkBatch('checklist', x, y);
  if (!(tolerance >= 0)) throw new RangeError(`checklist: tolerance must be ≥ 0, got ${tolerance}`);
  const epsGrid = sortedUnique(options.epsGrid ?? [eps / 2, eps, 2 * eps, 4 * eps, 8 * eps, 0.5, 1].map((e) => Math.min(e, 1)));
  const stepsGrid = sortedUnique(options.stepsGrid ?? [1, 2, 5, 10, 20, 50]);
  epsGrid.forEach((e) => checkEps('checklist: epsGrid', e));
  stepsGrid.forEach((k) => checkInteger('checklist', 'stepsGrid entry', k, 1));
  if (epsGrid.length === 0 || stepsGrid.length === 0) throw new RangeError('checklist: epsGrid and stepsGrid must not be empty');

  /**
   * Runs `attack(seed)` batch by batch, batch b seeded with stream `stream`·1000 + b: every point of a curve
   * reuses the same random starts (common random numbers), so curve steps reflect ε or K, not luck.
   */
  const ra = async (stream: number, attack: (batchSeed: number) => AttackFn) => {
    let batch = 0;
    const result = await attackAccuracy((f, xb, yb) => attack(deriveSeed(seed, 1000 * stream + batch++))(f, xb, yb), logitsFn, x, y, {
      batchSize,
    });
    return { ca: result.ca, ra: result.ra };
  };
  const pgdAt = (e: number, k: number, alpha: number) => (batchSeed: number): AttackFn => (f, xb, yb) =>
    pgd(f, xb, yb, { eps: e, steps: k, stepSize: alpha, eot, seed: batchSeed });

  const reference = await ra(PGD_STREAM, pgdAt(eps, steps, stepSize));
  const pgdRa = reference.ra;
  const checks: ChecklistCheck[] = [];

  const fgsmRa = (await ra(PGD_STREAM, () => (f, xb, yb) => pgd(f, xb, yb, { eps, steps: 1, stepSize: eps, randomStart: false, eot }))).ra;
  checks.push({
    id: 'i',
    name: 'single-step-weaker',
    description: 'a single-step attack (FGSM) should not beat the iterative one (PGD)',
    passed: fgsmRa >= pgdRa - tolerance,
    figures: { fgsmRa, pgdRa },
  });

  if (sourceLogitsFn) {
    const transferRa = (await ra(PGD_STREAM, (batchSeed) => (_f, xb, yb) => pgdAt(eps, steps, stepSize)(batchSeed)(sourceLogitsFn, xb, yb))).ra;
    checks.push({
      id: 'ii',
      name: 'black-box-weaker',
      description: 'a black-box (transfer) attack should not beat the white-box one',
      passed: transferRa >= pgdRa - tolerance,
      figures: { transferRa, pgdRa },
    });
  } else {
    checks.push({
      id: 'ii',
      name: 'black-box-weaker',
      description: 'a black-box (transfer) attack should not beat the white-box one',
      passed: null,
      figures: {},
      note: 'skipped: pass sourceLogitsFn (e.g. an independently trained model) to run it',
    });
  }

  const epsCurve: CurvePoint<'eps'>[] = [];
  for (const e of epsGrid) epsCurve.push({ eps: e, robustAccuracy: (await ra(PGD_STREAM, pgdAt(e, steps, (2.5 * e) / steps))).ra });
  const epsRise = largestRise(epsCurve.map((p) => p.robustAccuracy));
  checks.push({
    id: 'iii',
    name: 'larger-eps-stronger',
    description: 'robust accuracy should not rise as the perturbation bound ε grows',
    passed: epsRise <= tolerance,
    figures: { largestRise: epsRise },
  });
  const largest = epsCurve[epsCurve.length - 1];
  checks.push({
    id: 'iv',
    name: 'unbounded-reaches-zero',
    description: 'an (effectively) unbounded attack should reach ~100% success',
    passed: largest.robustAccuracy <= unboundedMaxRa,
    figures: { eps: largest.eps, robustAccuracy: largest.robustAccuracy, threshold: unboundedMaxRa },
  });

  const randomRa = (await ra(RANDOM_STREAM, (batchSeed) => (f, xb, yb) => randomSampling(f, xb, yb, { eps, samples: randomSamples, eot, seed: batchSeed }))).ra;
  checks.push({
    id: 'v',
    name: 'random-sampling-weaker',
    description: 'random sampling in the ε-ball should not find adversarial examples that PGD misses',
    passed: randomRa >= pgdRa - tolerance,
    figures: { randomRa, pgdRa, samples: randomSamples },
  });

  const stepsCurve: CurvePoint<'steps'>[] = [];
  for (const k of stepsGrid) stepsCurve.push({ steps: k, robustAccuracy: (await ra(PGD_STREAM, pgdAt(eps, k, (2.5 * eps) / k))).ra });
  const stepsRise = largestRise(stepsCurve.map((p) => p.robustAccuracy));
  checks.push({
    id: 'vi',
    name: 'more-steps-stronger',
    description: 'robust accuracy should not rise with more PGD steps',
    passed: stepsRise <= tolerance,
    figures: { largestRise: stepsRise },
  });

  return {
    eps,
    n: x.shape[0],
    cleanAccuracy: reference.ca,
    pgdRobustAccuracy: pgdRa,
    checks,
    passed: checks.every((c) => c.passed !== false),
    curves: { eps: epsCurve, steps: stepsCurve },
  };
}

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The largest increase of a curve over its running minimum (0 for a non-increasing curve). */
function largestRise(values: number[]): number {
  let minimum = Number.POSITIVE_INFINITY;
  let rise = 0;
  for (const v of values) {
    rise = Math.max(rise, v - minimum);
    minimum = Math.min(minimum, v);
  }
  return rise;
}
