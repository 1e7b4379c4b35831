import * as tf from '@tensorflow/tfjs-core';
import type { SubsetRun } from './restart-book';
import type { Rng } from '@floatjs/random';
import { randomSign } from './seeded-random';
import type { SquareRunSettings } from './square-run-settings';
import { squarePSchedule } from './square-schedule';
import { acceptCandidates, margins, squareResult } from './square-margins';
import type { LogitsFn } from './types';

/**
 * One Square-ℓ2 run (Andriushchenko et al. 2020, Alg. 3 and the reference code) on every row of x. The
 * perturbation always has ‖δ‖₂ = ε before the clip to [0, 1]: it starts as a grid of 5×5-cell
 * "meta pseudo-Gaussian" bumps (two halves of opposite sign, per point and channel a random sign), and each
 * iteration moves the mass of a second random window into a first one, replacing the first window's
 * content by a fresh bump plus its old direction, rescaled so the budget is used exactly, then renormalizes.
 * A candidate is kept when the margin z_y − max_{k≠y} z_k drops or the point becomes misclassified.
 * Windows, signs and the bump's orientation are drawn per point. Returns per point the fooling point or else
 * the lowest-margin one; all lie in the ℓ2 ε-ball ∩ [0, 1].
 */
export function squareL2Run(logitsFn: LogitsFn, x: tf.Tensor4D, labels: Int32Array, settings: SquareRunSettings): SubsetRun {
  const { eps, nQueries, pInit, rescaleTo, random, onIterate } = settings;
  const [n, h, w, c] = x.shape;
  const features = h * w * c;
  const origin = x.dataSync() as Float32Array;
  const at = (row: number, col: number, ch: number) => (row * w + col) * c + ch;

  // The starting grid: cells of side ⌊h/5⌋, centred, each a bump of random sign per channel.
  const best = new Float32Array(origin.length);
  const delta = new Float64Array(features);
  const cell = Math.max(Math.floor(h / 5), 1);
  const top0 = Math.floor((h - cell * Math.floor(h / cell)) / 2);
  const left0 = Math.floor((w - cell * Math.floor(w / cell)) / 2);
  for (let i = 0; i < n; i++) {
    delta.fill(0);
    for (let top = top0; top + cell <= h; top += cell) {
      for (let left = left0; left + cell <= w; left += cell) {
        const bump = metaPseudoGaussian(cell, random);
        for (let ch = 0; ch < c; ch++) {
          const sign = randomSign(random);
          for (let r = 0; r < cell; r++) for (let q = 0; q < cell; q++) delta[at(top + r, left + q, ch)] += sign * bump[r * cell + q];
        }
      }
    }
    writeScaled(best, origin, i * features, delta, eps);
  }
  const margin = margins(logitsFn, best, x.shape, labels, Array.from({ length: n }, (_, i) => i), x, onIterate);

  for (let iteration = 0; iteration < nQueries; iteration++) {
    const active = Array.from({ length: n }, (_, i) => i).filter((i) => margin[i] > 0);
    if (active.length === 0) break;
    const p = squarePSchedule(iteration, pInit, rescaleTo);
    let side = Math.max(Math.round(Math.sqrt((p * features) / c)), 3);
    if (side % 2 === 0) side++;
    side = Math.min(side, h, w);
    const candidate = new Float32Array(active.length * features);
    active.forEach((i, a) => {
      const from = i * features;
      for (let k = 0; k < features; k++) delta[k] = best[from + k] - origin[from + k];
      const top = random.nextInt(h - side + 1);
      const left = random.nextInt(w - side + 1);
      const top2 = random.nextInt(h - side + 1);
      const left2 = random.nextInt(w - side + 1);
      const inWindow = (row: number, col: number, t: number, l: number) => row >= t && row < t + side && col >= l && col < l + side;
      let imageSq = 0;
      let windowsSq = 0;
      for (let row = 0; row < h; row++) {
        for (let col = 0; col < w; col++) {
          const covered = inWindow(row, col, top, left) || inWindow(row, col, top2, left2);
          for (let ch = 0; ch < c; ch++) {
            const v = delta[at(row, col, ch)];
            imageSq += v * v;
            if (covered) windowsSq += v * v;
          }
        }
      }
      // Per channel: a fresh bump plus the window's old direction, scaled to the budget left over.
      const target = Math.sqrt(Math.max(eps * eps - imageSq, 0) / c + windowsSq);
      const bump = metaPseudoGaussian(side, random);
      const fresh: Float64Array[] = [];
      for (let ch = 0; ch < c; ch++) {
        let oldSq = 0;
        for (let r = 0; r < side; r++) for (let q = 0; q < side; q++) oldSq += delta[at(top + r, left + q, ch)] ** 2;
        const oldNorm = Math.sqrt(oldSq) + 1e-12;
        const sign = randomSign(random);
        const window = new Float64Array(side * side);
        let newSq = 0;
        for (let r = 0; r < side; r++) {
          for (let q = 0; q < side; q++) {
            const v = sign * bump[r * side + q] + delta[at(top + r, left + q, ch)] / oldNorm;
            window[r * side + q] = v;
            newSq += v * v;
          }
        }
        const scale = target / (Math.sqrt(newSq) + 1e-12);
        for (let k = 0; k < window.length; k++) window[k] *= scale;
        fresh.push(window);
      }
      for (let r = 0; r < side; r++) for (let q = 0; q < side; q++) for (let ch = 0; ch < c; ch++) delta[at(top2 + r, left2 + q, ch)] = 0;
      for (let ch = 0; ch < c; ch++) for (let r = 0; r < side; r++) for (let q = 0; q < side; q++) delta[at(top + r, left + q, ch)] = fresh[ch][r * side + q];
      writeScaled(candidate, origin, a * features, delta, eps, from);
    });
    const candidateMargin = margins(logitsFn, candidate, [active.length, h, w, c], labels, active, x, onIterate);
    acceptCandidates(active, candidate, candidateMargin, best, margin, features);
  }
  return squareResult(logitsFn, best, x.shape, labels, margin);
}

/** out[to + k] = clip01(x[from + k] + ε·δ_k/‖δ‖₂): the perturbation at exactly the budget, then the image range. */
function writeScaled(out: Float32Array, origin: Float32Array, to: number, delta: Float64Array, eps: number, from = to): void {
  let sq = 0;
  for (let k = 0; k < delta.length; k++) sq += delta[k] * delta[k];
  const scale = eps / (Math.sqrt(sq) + 1e-12);
  for (let k = 0; k < delta.length; k++) out[to + k] = Math.min(1, Math.max(0, origin[from + k] + scale * delta[k]));
}

/**
 * The reference's `eta(s)`: an s×s bump whose upper ⌊s/2⌋ rows are a pseudo-Gaussian rectangle and whose
 * lower rows are its negative, unit ℓ2 norm, transposed with probability ½.
 */
export function metaPseudoGaussian(s: number, random: Rng): Float64Array {
  const upper = Math.floor(s / 2);
  const out = new Float64Array(s * s);
  const a = pseudoGaussianRectangle(upper, s);
  const b = pseudoGaussianRectangle(s - upper, s);
  out.set(a, 0);
  for (let k = 0; k < b.length; k++) out[upper * s + k] = -b[k];
  normalize(out);
  if (random.nextFloat() > 0.5) {
    const t = new Float64Array(s * s);
    for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) t[q * s + r] = out[r * s + q];
    return t;
  }
  return out;
}

/**
 * The reference's `eta_rectangles(a, b)`: nested rectangles around the centre, the k-th (k = 0, 1, …) of
 * half-width k adding 1/(k + 1)², cut to the a×b grid; unit ℓ2 norm. Empty when a or b is 0.
 */
export function pseudoGaussianRectangle(a: number, b: number): Float64Array {
  const out = new Float64Array(a * b);
  if (a === 0 || b === 0) return out;
  let r0 = Math.floor(a / 2);
  let c0 = Math.floor(b / 2);
  for (let k = 0; k < Math.max(Math.floor(a / 2) + 1, Math.floor(b / 2) + 1); k++) {
    for (let r = Math.max(r0, 0); r < Math.min(r0 + 2 * k + 1, a); r++) {
      for (let q = Math.max(c0, 0); q < Math.min(c0 + 2 * k + 1, b); q++) out[r * b + q] += 1 / (k + 1) ** 2;
    }
    r0--;
    c0--;
  }
  normalize(out);
  return out;
}

function normalize(v: Float64Array): void {
  let sq = 0;
  for (const e of v) sq += e * e;
  const norm = Math.sqrt(sq);
  if (norm > 0) for (let k = 0; k < v.length; k++) v[k] /= norm;
}
