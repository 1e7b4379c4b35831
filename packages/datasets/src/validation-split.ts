import { createRng } from './rng';
import { Selection } from './selection';

/** How the validation set is carved out of the official training file. */
export interface ValSplitOptions {
  /** Examples held out. Default: the reference size of the dataset (5,000 for CIFAR and SVHN). */
  size?: number;
  /**
   * Default undefined: the last `size` examples of the training file, which is what the reference
   * code does (OAT/FLOAT: `Subset(train, range(45000))` / `range(45000, 50000)`; SVHN 68,257 / 5,000).
   * A number: a uniformly random choice seeded by it (same seed → same examples).
   */
  seed?: number;
}

/** `val`: the held-out part; `train-no-val`: the rest of the training file. */
export type HeldOutPart = 'val' | 'train-no-val';

// Keys the validation draw apart from shuffling and augmentation streams of the same seed.
const VAL_STREAM = 0x56414c21; // "VAL!"

/**
 * Indices of both parts of the training file, each ascending (file order): the last `size`
 * examples by default, or a seeded random subset (a partial Fisher–Yates over createRng(seed, VAL_STREAM)).
 */
export function validationIndices(n: number, size: number, seed?: number): { val: Uint32Array; rest: Uint32Array } {
  if (!Number.isInteger(size) || size < 1 || size >= n) {
    throw new Error(`validation size must be an integer in 1..${n - 1} for a training file of ${n} examples, got ${size}; pass val: { size }`);
  }
  const inVal = new Uint8Array(n);
  if (seed === undefined) {
    inVal.fill(1, n - size);
  } else {
    const rng = createRng(seed, VAL_STREAM);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = 0; i < size; i++) {
      const j = i + rng.nextInt(n - i);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
      inVal[order[i]] = 1;
    }
  }
  const val = new Uint32Array(size);
  const rest = new Uint32Array(n - size);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (inVal[i]) val[a++] = i;
    else rest[b++] = i;
  }
  return { val, rest };
}

/** The Selection of one part of the training file, then its first `limit` examples. */
export function heldOutSelection(part: HeldOutPart, n: number, defaultSize: number, val: ValSplitOptions = {}, limit?: number): Selection {
  const { val: v, rest } = validationIndices(n, val.size ?? defaultSize, val.seed);
  const indices = part === 'val' ? v : rest;
  return Selection.of(n, indices, `${part} split`, limit);
}
