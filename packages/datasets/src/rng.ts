/** A deterministic 32-bit generator. Same seed words → same stream, on every platform. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number;
  /** Uniform integer in [0, n), unbiased; n in [1, 2^32]. */
  nextInt(n: number): number;
}

const TWO_32 = 4294967296;

/** splitmix32: spreads one 32-bit seed into a well-mixed stream, used only to fill xoshiro's state. */
export function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/** xoshiro128** (Blackman & Vigna) from an explicit state; the state must not be all zero. */
export function xoshiro128ss(s0: number, s1: number, s2: number, s3: number): () => number {
  let a = s0 | 0;
  let b = s1 | 0;
  let c = s2 | 0;
  let d = s3 | 0;
  return () => {
    const m = Math.imul(b, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return r >>> 0;
  };
}

/**
 * An Rng keyed by several integers, e.g. `(seed, epoch, stream)`. Keys are folded in order, so
 * `(1, 2)` and `(2, 1)` give different streams. Keys must be safe integers.
 */
export function createRng(...keys: number[]): Rng {
  let h = 0x6a09e667;
  for (const k of keys) {
    if (!Number.isSafeInteger(k)) throw new Error(`rng keys must be safe integers, got ${k}`);
    // Both 32-bit halves, so seeds that differ only above bit 31 still differ.
    h = splitmix32(h ^ (k >>> 0))();
    h = splitmix32(h ^ (Math.floor(k / TWO_32) >>> 0))();
  }
  const fill = splitmix32(h);
  let state = [fill(), fill(), fill(), fill()];
  if (state.every((x) => x === 0)) state = [1, 0, 0, 0];
  const next = xoshiro128ss(state[0], state[1], state[2], state[3]);
  return {
    nextUint32: next,
    nextFloat: () => next() / TWO_32,
    nextInt(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new Error(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
      // Rejection keeps the result exactly uniform; at most half the draws are rejected.
      const limit = TWO_32 - (TWO_32 % n);
      for (;;) {
        const x = next();
        if (x < limit) return x % n;
      }
    },
  };
}
