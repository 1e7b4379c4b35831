import * as tf from '@tensorflow/tfjs-core';
import { batchRanges } from './batches';
import { checkBatch, checkEps, checkInteger, checkSeed } from './check-options';
import {
  assertImageRange,
  outputChecks,
  perturbationCheck,
  withinBudget,
  squareCheck,
  targetClassesCheck,
  zeroGradientCheck,
  type AutoAttackLogEntry,
  type SanityCheck,
} from './autoattack-checks';
import {
  autoAttackPlan,
  minimumClasses,
  runPlannedAttack,
  type AutoAttackName,
  type AutoAttackPlan,
  type AutoAttackVersion,
  type PlanOverrides,
} from './autoattack-plan';
import { CandidateBook, type AutoAttackCandidate } from './autoattack-candidates';
import { AUTOATTACK_STATE_FORMAT, checkResumeState, checkStateCandidates, type AutoAttackState } from './autoattack-state';
import { base64ToFloat32, float32ToBase64 } from './float32-base64';
import { lpPerSample, type LpNorm } from './lp-norm';
import { labelArray, predictedClasses } from './predicted-classes';
import { gatherRows, mergeRows } from './rows';
import { deriveSeed } from './seed';
import type { LogitsFn } from './types';

export type AutoAttackOptions = PlanOverrides & {
  /** Radius in pixel units (inputs in [0, 1]): ℓ∞ e.g. 8/255, ℓ2 (`norm: 'L2'`) e.g. 0.5. */
  eps: number;
  /** Default 'standard'. 'rand' is for randomized models; 'custom' runs `attacks`. */
  version?: AutoAttackVersion;
  /** Seeds every attack (each attack and batch derives its own stream). Default 0. */
  seed?: number;
  /** Points per attack call. Default 250 (reference `bs`). */
  batchSize?: number;
  /**
   * Attack every point, not only those the clean pass classified correctly. For a randomized model one clean
   * forward is one noise draw: a point it misclassified by luck would otherwise be left unperturbed and look
   * robust under the next draw. Robust accuracy still requires the clean verdict. Default false (reference).
   */
  attackAll?: boolean;
  /**
   * Keep every attack's final candidate for every attacked point, run every attack on every attacked point
   * (a point one fresh forward misclassified is not broken for good on a randomized model), and return the
   * candidates as `candidates`, for a re-drawn verdict that is worst case across attacks within each draw.
   * `xAdv` then holds, for attacked points no fresh forward broke, the candidate of highest expected loss
   * (never x). Default: on when the model measures randomized or the version is 'rand'; deterministic runs
   * are unchanged.
   */
  keepCandidates?: boolean;
  /** Resume from a state saved by `onAttackDone` (same attacks, ε and images). */
  state?: AutoAttackState;
  /** Called after every attack with the state to save; awaited, so it may write a file. */
  onAttackDone?: (state: AutoAttackState) => void | Promise<void>;
  /** Progress lines, e.g. `console.info`. */
  log?: (line: string) => void;
};

/** Plain JSON summary of an AutoAttack run; accuracies in percent (0-100). */
export type AutoAttackReport = {
  version: AutoAttackVersion;
  attacks: AutoAttackName[];
  eps: number;
  /** The threat model the attacks ran in. */
  norm: LpNorm;
  n: number;
  cleanAccuracy: number;
  /**
   * Pointwise worst case over all attacks run: robust only if every attack failed. On a randomized model this
   * is AutoAttack's own single-draw verdict (one fresh forward per candidate), not a re-drawn mean.
   */
  robustAccuracy: number;
  /** Whether `candidates` were kept (see `keepCandidates`). */
  keptCandidates: boolean;
  /** Robust accuracy after the clean pass and after each attack, in order (never increasing). */
  robustAccuracyAfter: { stage: 'clean' | AutoAttackName; robustAccuracy: number }[];
  log: AutoAttackLogEntry[];
  checks: SanityCheck[];
  /** Whether two calls on the same input disagreed (see the 'randomized' check). */
  randomized: boolean;
  /** Index of the attack this run resumed at (0 for a fresh run). */
  resumedAt: number;
  cleanCorrect: boolean[];
  robust: boolean[];
};

export type AutoAttackResult = {
  /**
   * x with every broken point replaced by its adversarial example (with `keepCandidates`, every attacked point
   * by its breaking or else highest-expected-loss candidate); the caller disposes it.
   */
  xAdv: tf.Tensor4D;
  /** With `keepCandidates`: every attack's final candidate per point, in plan order; the caller disposes them. */
  candidates?: AutoAttackCandidate[];
  report: AutoAttackReport;
};

/**
 * AutoAttack (Croce & Hein 2020), ℓ∞: a fixed ensemble of parameter-free attacks run in sequence, each
 * only on the points that every earlier attack failed to break, so the result is the pointwise worst
 * case. A point counts as broken when a fresh `logitsFn` call misclassifies its adversarial example, which
 * must lie in the ε-ball ∩ [0, 1] (checked; a violation throws).
 *
 * Also runs the reference's sanity checks (randomized outputs, probabilities instead of logits, zero
 * gradients, target classes, Square success) and returns them in the report. Resumable via
 * `onAttackDone` / `state`. The model must not change between a run and its resumption.
 */
export async function autoAttack(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: AutoAttackOptions,
): Promise<AutoAttackResult> {
  const { eps, version = 'standard', seed = 0, batchSize = 250, state, onAttackDone, log, attackAll = false, keepCandidates, ...overrides } = options;
  checkEps('autoAttack', eps);
  checkSeed('autoAttack', seed);
  checkInteger('autoAttack', 'batchSize', batchSize, 1);
  checkBatch('autoAttack', x, y);
  if (x.shape[0] === 0) throw new RangeError('autoAttack: x holds no images');
  const plan = autoAttackPlan(version, eps, overrides);
  checkPlan(plan);
  assertImageRange(x, 'autoAttack: x');
  if (state) checkResumeState(state, plan.attacks, eps, x.shape, plan.norm);

  const checks: SanityCheck[] = [];
  const firstBatch = { start: 0, size: Math.min(batchSize, x.shape[0]) };
  const xFirst = tf.slice(x, [0, 0, 0, 0], [firstBatch.size, -1, -1, -1]);
  const yFirst = tf.slice(y, [0], [firstBatch.size]);
  let randomized: boolean;
  try {
    const output = outputChecks(logitsFn, xFirst, version);
    randomized = output.randomized;
    checks.push(...output.checks);
    const needed = Math.max(...plan.attacks.map(minimumClasses));
    if (output.classes < needed) {
      throw new RangeError(`autoAttack: [${plan.attacks}] need ≥ ${needed} classes, the model has ${output.classes}`);
    }
    checks.push(zeroGradientCheck(logitsFn, xFirst, yFirst));
    const targets = targetClassesCheck(plan, output.classes);
    if (targets) checks.push(targets);
  } finally {
    tf.dispose([xFirst, yFirst]);
  }
  for (const check of checks) if (!check.passed) log?.(`warning (${check.name}): ${check.message}`);
  const keep = keepCandidates ?? (randomized || version === 'rand');
  if (state) checkStateCandidates(state, keep);

  const n = x.shape[0];
  const labels = labelArray(y);
  const cleanCorrect = state ? state.cleanCorrect.slice() : cleanPass(logitsFn, x, labels, batchSize);
  const robust = state ? state.robust.slice() : attackAll ? new Array<boolean>(n).fill(true) : cleanCorrect.slice();
  // Robust = still unbroken AND correct on the clean pass (identical to `robust` unless attackAll).
  const robustAndClean = () => robust.filter((r, i) => r && cleanCorrect[i]).length;
  const initialCandidates = attackAll ? n : cleanCorrect.filter(Boolean).length;
  // With kept candidates every attack attacks this whole set; otherwise only the points still robust.
  const attackedSet = cleanCorrect.flatMap((c, i) => (attackAll || c ? [i] : []));
  const book = keep ? new CandidateBook(x.dataSync() as Float32Array, x.shape) : undefined;
  if (book && state?.candidates) book.restore(state.candidates);
  const adversarial = new Map<number, string>(state?.adversarial.map(({ index, image }) => [index, image]) ?? []);
  const entries: AutoAttackLogEntry[] = state ? state.log.slice() : [];
  const resumedAt = state?.nextAttack ?? 0;
  const cleanAccuracy = percent(cleanCorrect.filter(Boolean).length, n);
  log?.(`autoAttack ${version} [${plan.attacks.join(', ')}] ${plan.norm === 'L2' ? 'ℓ2 ' : ''}ε = ${eps}: clean accuracy ${cleanAccuracy.toFixed(2)}%`);

  const snapshot = (nextAttack: number): AutoAttackState => ({
    format: AUTOATTACK_STATE_FORMAT,
    attacks: plan.attacks.slice(),
    eps,
    ...(plan.norm === 'L2' ? { norm: plan.norm } : {}),
    shape: x.shape.slice(),
    nextAttack,
    cleanCorrect: cleanCorrect.slice(),
    robust: robust.slice(),
    adversarial: [...adversarial].map(([index, image]) => ({ index, image })),
    log: entries.slice(),
    ...(book ? { candidates: book.serialize() } : {}),
  });

  for (let a = resumedAt; a < plan.attacks.length; a++) {
    const name = plan.attacks[a];
    const started = performance.now();
    const targets = book ? attackedSet : robust.flatMap((r, i) => (r ? [i] : []));
    book?.begin();
    let broken = 0;
    for (const [b, range] of batchRanges(targets.length, batchSize).entries()) {
      const indices = targets.slice(range.start, range.start + range.size);
      const found = attackBatch(logitsFn, x, y, labels, indices, { eps, norm: plan.norm }, !!book, (xb, yb) =>
        runPlannedAttack(name, plan, deriveSeed(seed, 1_000_000 * (a + 1) + b), logitsFn, xb, yb, { attackMisclassified: !!book }),
      );
      for (const { index, image, fooled } of found) {
        book?.set(index, image);
        // A point stays broken by the first attack whose candidate a fresh forward misclassified.
        if (!fooled || !robust[index]) continue;
        robust[index] = false;
        adversarial.set(index, float32ToBase64(image));
        broken++;
      }
    }
    const robustAfter = robust.filter(Boolean).length;
    const robustBefore = entries.length > 0 ? entries[entries.length - 1].robustAfter : initialCandidates;
    if (robustAfter > robustBefore || robustAfter !== robustBefore - broken) {
      throw new Error(`autoAttack: robust count went from ${robustBefore} to ${robustAfter} after ${name} (${broken} broken)`);
    }
    const entry: AutoAttackLogEntry = {
      attack: name,
      attacked: targets.length,
      broken,
      robustAfter,
      robustAccuracy: percent(robustAndClean(), n),
      seconds: (performance.now() - started) / 1000,
    };
    entries.push(entry);
    log?.(`${name}: ${broken} of ${targets.length} broken, robust accuracy ${entry.robustAccuracy.toFixed(2)}% (${entry.seconds.toFixed(1)} s)`);
    await onAttackDone?.(snapshot(a + 1));
  }

  if (book) {
    // Attacked points no fresh forward broke: their highest-expected-loss candidate, never x.
    const unbroken = attackedSet.filter((i) => robust[i]);
    for (const [index, image] of book.highestLoss(logitsFn, y, unbroken, plan.eot, batchSize)) adversarial.set(index, float32ToBase64(image));
  }
  const xAdv = assemble(x, adversarial);
  try {
    checks.push(perturbationCheck(xAdv, x, eps, plan.norm));
    const square = squareCheck(entries);
    if (square) {
      checks.push(square);
      if (!square.passed) log?.(`warning (${square.name}): ${square.message}`);
    }
    checks.push({ name: 'robust-monotone', passed: true, message: 'robust counts never increased from one attack to the next' });
  } catch (error) {
    xAdv.dispose();
    throw error;
  }
  const robustAccuracy = percent(robustAndClean(), n);
  return {
    xAdv,
    ...(book ? { candidates: book.tensors(plan.attacks) } : {}),
    report: {
      version,
      attacks: plan.attacks,
      eps,
      norm: plan.norm,
      n,
      cleanAccuracy,
      robustAccuracy,
      keptCandidates: !!book,
      robustAccuracyAfter: [
        { stage: 'clean', robustAccuracy: cleanAccuracy },
        ...entries.map((e) => ({ stage: e.attack, robustAccuracy: e.robustAccuracy })),
      ],
      log: entries,
      checks,
      randomized,
      resumedAt,
      cleanCorrect,
      robust,
    },
  };
}

function checkPlan(plan: AutoAttackPlan): void {
  checkInteger('autoAttack', 'apgdRestarts', plan.apgdRestarts, 1);
  checkInteger('autoAttack', 'fabRestarts', plan.fabRestarts, 1);
  checkInteger('autoAttack', 'eot', plan.eot, 1);
  checkInteger('autoAttack', 'nIter', plan.nIter, 1);
  checkInteger('autoAttack', 'nQueries', plan.nQueries, 0);
  checkInteger('autoAttack', 'nTargetClasses', plan.nTargetClasses, 1);
}

function percent(count: number, n: number): number {
  return (100 * count) / n;
}

function cleanPass(logitsFn: LogitsFn, x: tf.Tensor4D, labels: Int32Array, batchSize: number): boolean[] {
  const correct: boolean[] = [];
  for (const { start, size } of batchRanges(x.shape[0], batchSize)) {
    const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
    try {
      const predicted = predictedClasses(logitsFn, xb);
      for (let i = 0; i < size; i++) correct.push(predicted[i] === labels[start + i]);
    } finally {
      xb.dispose();
    }
  }
  return correct;
}

/**
 * Runs one attack on rows `indices` and returns its candidates, each with whether a fresh call misclassified
 * it (`fooled`): the fooling ones always, every one when `all` (kept candidates). Each returned candidate is
 * checked to lie inside the ε-ball ∩ [0, 1].
 */
function attackBatch(
  logitsFn: LogitsFn,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  labels: Int32Array,
  indices: number[],
  { eps, norm }: { eps: number; norm: LpNorm },
  all: boolean,
  attack: (xb: tf.Tensor4D, yb: tf.Tensor1D) => tf.Tensor4D,
): { index: number; image: Float32Array; fooled: boolean }[] {
  const xb = gatherRows(x, indices);
  const yb = gatherRows(y, indices);
  let adv: tf.Tensor4D | undefined;
  try {
    adv = attack(xb, yb);
    if (adv.shape.join() !== xb.shape.join()) throw new Error(`autoAttack: an attack returned [${adv.shape}] for [${xb.shape}]`);
    const result = adv;
    const distanceT = tf.tidy(() => lpPerSample(norm, tf.sub(result, xb)));
    const distance = distanceT.dataSync();
    distanceT.dispose();
    const predicted = predictedClasses(logitsFn, adv);
    const values = adv.dataSync() as Float32Array;
    const features = values.length / indices.length;
    const found: { index: number; image: Float32Array; fooled: boolean }[] = [];
    indices.forEach((index, k) => {
      const fooled = predicted[k] !== labels[index];
      if (!fooled && !all) return;
      const image = values.slice(k * features, (k + 1) * features);
      if (!(distance[k] <= withinBudget(norm, eps)) || image.some((v) => !(v >= 0 && v <= 1))) {
        throw new Error(`autoAttack: point ${index} left the ε-ball ∩ [0, 1] (distance ${distance[k]}, ε = ${eps})`);
      }
      found.push({ index, image, fooled });
    });
    return found;
  } finally {
    tf.dispose([xb, yb]);
    adv?.dispose();
  }
}

/** x with the stored adversarial images written into their rows. */
function assemble(x: tf.Tensor4D, adversarial: Map<number, string>): tf.Tensor4D {
  if (adversarial.size === 0) return tf.clone(x);
  const indices = [...adversarial.keys()];
  const features = x.size / x.shape[0];
  const values = new Float32Array(indices.length * features);
  indices.forEach((index, k) => {
    const image = base64ToFloat32(adversarial.get(index)!);
    if (image.length !== features) throw new RangeError(`autoAttack: stored image ${index} has ${image.length} values, expected ${features}`);
    values.set(image, k * features);
  });
  const rows = tf.tensor4d(values, [indices.length, x.shape[1], x.shape[2], x.shape[3]]);
  try {
    return mergeRows(x, rows, indices);
  } finally {
    rows.dispose();
  }
}
