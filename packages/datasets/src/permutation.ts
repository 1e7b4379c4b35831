import { createRng } from './rng';

// Separates the shuffling stream from other streams keyed by the same (seed, epoch).
export const PERMUTATION_STREAM = 0x5045524d; // "PERM"

/**
 * A uniformly random ordering of 0..n-1 that depends only on (n, seed, epoch), so a run resumed at
 * any epoch sees the same order it would have seen without stopping.
 */
export function permutation(n: number, seed: number, epoch: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`permutation: n must be a non-negative integer, got ${n}`);
  const rng = createRng(seed, epoch, PERMUTATION_STREAM);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
