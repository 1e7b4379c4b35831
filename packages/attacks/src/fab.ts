import * as tf from '@tensorflow/tfjs-core';
import { rankClasses } from './apgd-targeted';
import type { IterateHook } from './apgd-run';
import { checkBatch, checkEps, checkInteger, checkSeed } from './check-options';
import { fabLinearization } from './fab-linearization';
import { projectL2HyperplaneBox } from './l2-hyperplane-projection';
import { projectLinfHyperplaneBox } from './linf-hyperplane-projection';
import { checkNorm, type LpNorm } from './lp-norm';
import { labelArray, meanLogits, predictedClasses } from './predicted-classes';
import { RestartBook, type SubsetRun } from './restart-book';
import { gatherRows } from './rows';
import type { Rng } from '@floatjs/random';
import { attackStream } from './seeded-random';
import type { LogitsFn } from './types';

export type FabOptions = {
  /** Budget: FAB minimizes the perturbation, and only points fooled within ε are returned. */
  eps: number;
  /** Threat model: 'Linf' (default) or 'L2' (FAB-ℓ2: ℓ2 projections, ℓ2-minimal points). */
  norm?: LpNorm;
  /** FAB-T: one run per target class (the 2nd, 3rd, … highest clean logits). Default false. */
  targeted?: boolean;
  /** Target classes for FAB-T. Default 9 (AutoAttack); more than classes − 1 is clamped. */
  nTargetClasses?: number;
  /** Iterations per run. Default 100. */
  nIter?: number;
  /** Runs per target (untargeted: runs); runs after the first start from a random point. Default 1. */
  nRestarts?: number;
  /** Largest weight α of the step from x itself (the bias toward small perturbations). Default 0.1. */
  alphaMax?: number;
  /** Overshoot η past the linearized boundary. Default 1.05. */
  eta?: number;
  /** Backward step β toward x after each success. Default 0.9. */
  beta?: number;
  /** Seeds the random starts of restarts. Default 0. */
  seed?: number;
  /** Debug hook with every iterate (not ε-bounded: FAB searches the minimal perturbation) and its clean points. */
  onIterate?: IterateHook;
};

type RunSettings = Required<Omit<FabOptions, 'targeted' | 'nTargetClasses' | 'nRestarts' | 'onIterate' | 'norm'>> & {
  norm: LpNorm;
  onIterate?: IterateHook;
};

/**
 * FAB, ℓ∞ or ℓ2 (Croce & Hein 2020, "Minimally distorted adversarial examples with a fast adaptive boundary
 * attack"): from x, repeatedly project the current point and x onto the linearized decision boundary
 * (within [0, 1]), step to a mix of both with overshoot η, and after every success step back toward x
 * by β, keeping the smallest-ℓ∞ adversarial point found. FAB-T linearizes the boundary to a fixed target
 * class; untargeted FAB the nearest boundary.
 *
 * Returns a new tensor: per point, the minimal adversarial point found if its ℓ∞ distance is ≤ ε, else x.
 * Each iteration costs one forward-backward pass (untargeted: on the batch tiled once per class) and one
 * forward pass.
 */
export function fab(logitsFn: LogitsFn, x: tf.Tensor4D, y: tf.Tensor1D, options: FabOptions): tf.Tensor4D {
  const {
    eps,
    targeted = false,
    nTargetClasses = 9,
    nIter = 100,
    nRestarts = 1,
    alphaMax = 0.1,
    eta = 1.05,
    beta = 0.9,
    seed = 0,
    onIterate,
    norm = 'Linf',
  } = options;
  checkEps('fab', eps);
  checkNorm('fab', norm, eps);
  checkInteger('fab', 'nTargetClasses', nTargetClasses, 1);
  checkInteger('fab', 'nIter', nIter, 1);
  checkInteger('fab', 'nRestarts', nRestarts, 1);
  if (!(alphaMax >= 0 && alphaMax <= 1)) throw new RangeError(`fab: alphaMax must be in [0, 1], got ${alphaMax}`);
  if (!(eta >= 1 && Number.isFinite(eta))) throw new RangeError(`fab: eta must be a finite number ≥ 1, got ${eta}`);
  if (!(beta > 0 && beta <= 1)) throw new RangeError(`fab: beta must be in (0, 1], got ${beta}`);
  checkSeed('fab', seed);
  checkBatch('fab', x, y);
  const settings: RunSettings = { eps, nIter, alphaMax, eta, beta, seed, onIterate, norm };

  const labels = labelArray(y);
  const clean = meanLogits(logitsFn, x);
  const classCount = clean.shape[1];
  const ranking = rankClasses(clean);
  clean.dispose();
  if (classCount < 2) throw new RangeError(`fab: the model must have ≥ 2 classes, it has ${classCount}`);
  const targetRanks = targeted ? Array.from({ length: Math.min(nTargetClasses, classCount - 1) }, (_, k) => k + 2) : [0];

  const book = new RestartBook(x, Array.from(labels, (label, i) => ranking[i][0] === label));
  try {
    for (const rank of targetRanks) {
      for (let restart = 0; restart < nRestarts; restart++) {
        const indices = book.robustIndices();
        if (indices.length === 0) return book.take();
        const targets = rank === 0 ? null : Int32Array.from(indices, (i) => ranking[i][rank - 1]);
        const xs = gatherRows(x, indices);
        try {
          const run = fabRun(logitsFn, xs, Int32Array.from(indices, (i) => labels[i]), targets, classCount, {
            ...settings,
            randomStart: restart > 0 ? attackStream(seed, 1000 * rank + restart) : null,
          });
          book.merge(indices, run);
          run.adv.dispose();
        } finally {
          xs.dispose();
        }
      }
    }
    return book.take();
  } catch (error) {
    book.dispose();
    throw error;
  }
}

/** One FAB run on every row of x0; `fooled` means misclassified (fresh call) within ε. */
function fabRun(
  logitsFn: LogitsFn,
  x0: tf.Tensor4D,
  labels: Int32Array,
  targets: Int32Array | null,
  classCount: number,
  settings: RunSettings & { randomStart: Rng | null },
): SubsetRun {
  const { eps, nIter, alphaMax, eta, beta, randomStart, onIterate, norm } = settings;
  const n = x0.shape[0];
  const features = x0.size / n;
  const origin = x0.dataSync() as Float32Array;
  const x1 = Float32Array.from(origin);
  if (randomStart) startInBall(x1, origin, n, features, 0.5 * eps, randomStart, norm);
  const project = (t: Float32Array, w: Float32Array, b: number, out: Float64Array, work: Int32Array) =>
    norm === 'Linf' ? projectLinfHyperplaneBox(t, w, b, out, work) : projectL2HyperplaneBox(t, w, b, out);

  const best = Float32Array.from(origin);
  const bestNorm = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const d1 = new Float64Array(features);
  const d2 = new Float64Array(features);
  const work = new Int32Array(features);

  for (let iteration = 0; iteration < nIter; iteration++) {
    const current = tf.tensor4d(x1, x0.shape);
    let lin;
    try {
      lin = fabLinearization(logitsFn, current, labels, targets, classCount);
    } finally {
      current.dispose();
    }
    for (let i = 0; i < n; i++) {
      const from = i * features;
      const w = lin.dg.subarray(from, from + features);
      const point = x1.subarray(from, from + features);
      const start = origin.subarray(from, from + features);
      let wx = 0;
      for (let j = 0; j < features; j++) wx += w[j] * point[j];
      const b = wx - lin.df[i];
      const a1 = Math.max(project(point, w, b, d1, work).norm, 1e-8);
      const a2 = Math.max(project(start, w, b, d2, work).norm, 1e-8);
      const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), alphaMax);
      for (let j = 0; j < features; j++) {
        const mixed = (point[j] + eta * d1[j]) * (1 - alpha) + (start[j] + eta * d2[j]) * alpha;
        point[j] = Math.min(1, Math.max(0, mixed));
      }
    }
    const stepped = tf.tensor4d(x1, x0.shape);
    let predicted: Int32Array;
    try {
      predicted = predictedClasses(logitsFn, stepped);
    } finally {
      stepped.dispose();
    }
    for (let i = 0; i < n; i++) {
      if (predicted[i] === labels[i]) continue;
      const from = i * features;
      const size = distance(norm, x1, origin, from, features);
      if (size < bestNorm[i]) {
        bestNorm[i] = size;
        best.set(x1.subarray(from, from + features), from);
      }
      // Back toward x: the next iterates search for a smaller perturbation.
      for (let j = from; j < from + features; j++) x1[j] = origin[j] + beta * (x1[j] - origin[j]);
    }
    if (onIterate) {
      const iterate = tf.tensor4d(x1, x0.shape);
      try {
        onIterate(iterate, x0);
      } finally {
        iterate.dispose();
      }
    }
  }

  const adv = tf.tensor4d(best, x0.shape);
  try {
    const verdict = predictedClasses(logitsFn, adv);
    const fooled = Array.from(labels, (label, i) => bestNorm[i] <= eps && verdict[i] !== label);
    return { adv, fooled, score: new Float64Array(n).fill(Number.NEGATIVE_INFINITY) };
  } catch (error) {
    adv.dispose();
    throw error;
  }
}

/** ‖a − b‖ over one sample's features, in the attack's norm. */
function distance(norm: LpNorm, a: Float32Array, b: Float32Array, from: number, features: number): number {
  let size = 0;
  for (let j = from; j < from + features; j++) {
    const diff = a[j] - b[j];
    size = norm === 'Linf' ? Math.max(size, Math.abs(diff)) : size + diff * diff;
  }
  return norm === 'Linf' ? size : Math.sqrt(size);
}

/**
 * FAB's restart point at distance r: ℓ∞ clip01(x + r·t/‖t‖∞) with t ~ U(−1, 1), ℓ2 clip01(x + r·t/‖t‖₂)
 * with t ~ N(0, I) (Box–Muller from the seeded stream), per sample.
 */
function startInBall(x1: Float32Array, origin: Float32Array, n: number, features: number, radius: number, random: Rng, norm: LpNorm): void {
  const t = new Float64Array(features);
  for (let i = 0; i < n; i++) {
    let size = 0;
    for (let j = 0; j < features; j++) {
      t[j] = norm === 'Linf' ? 2 * random.nextFloat() - 1 : Math.sqrt(-2 * Math.log(1 - random.nextFloat())) * Math.cos(2 * Math.PI * random.nextFloat());
      size = norm === 'Linf' ? Math.max(size, Math.abs(t[j])) : size + t[j] * t[j];
    }
    if (norm === 'L2') size = Math.sqrt(size);
    for (let j = 0; j < features; j++) {
      const k = i * features + j;
      x1[k] = Math.min(1, Math.max(0, origin[k] + (radius * t[j]) / (size + 1e-12)));
    }
  }
}
