import { boxMullerRadius, unitCircle } from './normal-math';

/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32) whose whole state is four
 * uint32 words (and a cached normal), so a checkpoint can store it and a resumed run continues the same
 * stream. tfjs' own seeded ops treat seed 0 as "unseeded", so `nextSeed()` never returns 0.
 */
export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Fills `out` (an even length) with normal pairs from the generator state `s` (updated in place), exactly as
 * Rng.fillNormal's JS loop does: a faster implementation of that loop (the native kernels have one) that
 * fillNormal's caller may pass in.
 */
export type NormalPairFill = (s: Uint32Array, out: Float32Array, std: number) => void;

/** The uniform draws a consumer such as an augmentation needs; Rng implements it. */
export interface UniformSource {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number;
  /** Uniform integer in [0, n), unbiased; n in [1, 2^32]. */
  nextInt(n: number): number;
}

const TWO_32 = 4294967296;
const circle = new Float64Array(2);

/**
 * The one seeded generator of floatjs (engine, datasets and attacks draw from it). Three ways to seed it:
 * a number or string (`new Rng(seed)`), a seed and a label (`Rng.derive`), or a key tuple (`Rng.keyed`,
 * e.g. `(seed, epoch, stream)`); the draws themselves are the same xoshiro128** steps in every case.
 */
export class Rng implements UniformSource {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number | string = 1) {
    const init = splitmix32(typeof seed === 'number' ? seed : hashString(seed));
    for (let i = 0; i < 4; i++) this.s[i] = init();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A generator derived from this one's seed and a label, independent of how much this one has been used. */
  static derive(seed: number, label: string): Rng {
    return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashString(label)) >>> 0);
  }

  /**
   * A generator keyed by several integers, e.g. `(seed, epoch, stream)`. Keys are folded in order, so
   * `(1, 2)` and `(2, 1)` give different streams. Keys must be safe integers. (The data pipeline's seeding:
   * its own mixing function, so that its streams stay what they were.)
   */
  static keyed(...keys: number[]): Rng {
    let h = 0x6a09e667;
    for (const k of keys) {
      if (!Number.isSafeInteger(k)) throw new Error(`rng keys must be safe integers, got ${k}`);
      // Both 32-bit halves, so seeds that differ only above bit 31 still differ.
      h = mix32(h ^ (k >>> 0))();
      h = mix32(h ^ (Math.floor(k / TWO_32) >>> 0))();
    }
    const fill = mix32(h);
    const rng = new Rng(0);
    for (let i = 0; i < 4; i++) rng.s[i] = fill();
    if ((rng.s[0] | rng.s[1] | rng.s[2] | rng.s[3]) === 0) rng.s.set([1, 0, 0, 0]);
    return rng;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / TWO_32;
  }

  /** Uniform integer in [0, n), unbiased; n in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new Error(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    // Rejection keeps the result exactly uniform; at most half the draws are rejected.
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A non-zero 31-bit seed for tfjs' seeded random ops. */
  nextSeed(): number {
    return (this.nextUint32() >>> 1) | 1;
  }

  /** Standard normal (Box-Muller on two uint32 draws, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let k = 0;
    while (k === 0) k = this.nextUint32();
    const r = boxMullerRadius(k);
    unitCircle(this.nextUint32(), circle);
    this.spare = r * circle[1];
    return r * circle[0];
  }

  /**
   * Fills `out` with N(0, std²) draws: the same values, in the same order, as normal() · std per element.
   * The hot path of FLOAT's per-forward noise: whole pairs go to `pairs` when given (a bit-identical
   * faster fill), else to the same loop in JS with the generator's state in locals.
   */
  fillNormal(out: Float32Array, std: number, pairs?: NormalPairFill): Float32Array {
    let i = 0;
    if (this.spare !== null && out.length > 0) {
      out[i++] = this.spare * std;
      this.spare = null;
    }
    const n = (out.length - i) >> 1;
    if (pairs && n > 0) {
      pairs(this.s, out.subarray(i, i + 2 * n), std);
      i += 2 * n;
    } else {
      const st = this.s;
      let s0 = st[0] | 0;
      let s1 = st[1] | 0;
      let s2 = st[2] | 0;
      let s3 = st[3] | 0;
      for (; i + 1 < out.length; i += 2) {
        let k: number;
        // Two xoshiro128** steps (nextUint32's body, written out twice: a helper closure would move the state
        // out of registers into a heap context); the first draw is retried while it is 0.
        do {
          k = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = rotl(s3, 11);
        } while (k === 0);
        const k2 = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl(s3, 11);
        const r = boxMullerRadius(k);
        unitCircle(k2, circle);
        out[i] = r * circle[0] * std;
        out[i + 1] = r * circle[1] * std;
      }
      st[0] = s0;
      st[1] = s1;
      st[2] = s2;
      st[3] = s3;
    }
    if (i < out.length) out[i] = this.normal() * std;
    return out;
  }

  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spare: this.spare };
  }

  setState(state: RngState): void {
    this.s.set(state.s);
    this.spare = state.spare;
  }
}

/** splitmix32 with the 0x21f0aaad/0x735a2d97 finalizer: spreads one word for Rng.keyed. */
function mix32(seed: number): () => number {
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

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
