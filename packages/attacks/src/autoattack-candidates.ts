import * as tf from '@tensorflow/tfjs-core';
import type { AutoAttackName } from './autoattack-plan';
import { batchRanges } from './batches';
import { expectedLoss } from './expected-loss';
import { base64ToFloat32, float32ToBase64 } from './float32-base64';
import type { LogitsFn } from './types';

/** One attack's final candidate for every point, [n, h, w, c]; the caller disposes `xAdv`. */
export type AutoAttackCandidate = { attack: AutoAttackName; xAdv: tf.Tensor4D };

/**
 * Every attack's final candidate per point, kept for randomized models. On a randomized model one fresh
 * forward that misclassifies a candidate (or classifies it right) is one draw, not a verdict, so no candidate
 * may be thrown away: the re-drawn verdict counts a point robust in a draw only if the clean x and every
 * attack's candidate are right in that draw. Rows of points an attack did not attack hold x itself.
 * Plain Float32Arrays, so the book owns no tensors.
 */
export class CandidateBook {
  private readonly images: Float32Array[] = [];

  constructor(
    private readonly x: Float32Array,
    private readonly shape: [number, number, number, number],
  ) {}

  get features(): number {
    return this.shape[1] * this.shape[2] * this.shape[3];
  }

  get count(): number {
    return this.images.length;
  }

  /** Starts the candidates of the next attack as a copy of x. */
  begin(): void {
    this.images.push(this.x.slice());
  }

  /** Writes the current attack's candidate for point `index`. */
  set(index: number, image: Float32Array): void {
    if (image.length !== this.features) throw new RangeError(`autoAttack: candidate ${index} has ${image.length} values, expected ${this.features}`);
    this.images[this.images.length - 1].set(image, index * this.features);
  }

  /** Per finished attack, its candidates as base64 little-endian float32 (for the resume state). */
  serialize(): string[] {
    return this.images.map((image) => float32ToBase64(image));
  }

  /** Restores the candidates a resume state saved (one base64 string per finished attack). */
  restore(saved: readonly string[]): void {
    const size = this.shape[0] * this.features;
    for (const [a, text] of saved.entries()) {
      const image = base64ToFloat32(text);
      if (image.length !== size) throw new RangeError(`autoAttack: the resume state's candidates of attack ${a} hold ${image.length} values, expected ${size}`);
      this.images.push(image);
    }
  }

  /** One tensor per attack (new tensors, owned by the caller). */
  tensors(attacks: readonly AutoAttackName[]): AutoAttackCandidate[] {
    return this.images.map((image, a) => ({ attack: attacks[a], xAdv: tf.tensor4d(image, this.shape) }));
  }

  /**
   * Per point, the candidate with the highest expected cross-entropy over `draws` forwards (EOT: the loss of
   * a candidate on a randomized model is itself random, so one forward would pick by luck). Returns the
   * chosen image per point in `indices`. CE, not each attack's own loss, so that APGD-CE's and APGD-DLR's
   * candidates are compared on one scale.
   */
  highestLoss(logitsFn: LogitsFn, y: tf.Tensor1D, indices: readonly number[], draws: number, batchSize: number): Map<number, Float32Array> {
    const best = new Map<number, Float32Array>();
    if (indices.length === 0 || this.images.length === 0) return best;
    const f = this.features;
    const scores = new Float64Array(indices.length).fill(Number.NEGATIVE_INFINITY);
    const choice = new Int32Array(indices.length);
    for (const [a, image] of this.images.entries()) {
      for (const { start, size } of batchRanges(indices.length, batchSize)) {
        const rows = indices.slice(start, start + size);
        const values = new Float32Array(size * f);
        rows.forEach((index, k) => values.set(image.subarray(index * f, (index + 1) * f), k * f));
        const loss = tf.tidy(() => {
          const xb = tf.tensor4d(values, [size, this.shape[1], this.shape[2], this.shape[3]]);
          const yb = tf.gather(y, tf.tensor1d(rows as number[], 'int32')) as tf.Tensor1D;
          return expectedLoss(logitsFn, xb, yb, draws);
        });
        const data = loss.dataSync();
        loss.dispose();
        for (let k = 0; k < size; k++) {
          if (data[k] > scores[start + k]) {
            scores[start + k] = data[k];
            choice[start + k] = a;
          }
        }
      }
    }
    indices.forEach((index, k) => best.set(index, this.images[choice[k]].slice(index * f, (index + 1) * f)));
    return best;
  }
}
