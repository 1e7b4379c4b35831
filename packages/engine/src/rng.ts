import { boxMullerRadius, unitCircle } from './normal-math';

/**
 * A small seeded generator (xoshiro128**, seeded through splitmix32) whose whole state is four
 * uint32 words, so a checkpoint can store it and a resumed run continues the same stream.
 * tfjs' own seeded ops treat seed 0 as "unseeded", so `nextSeed()` never returns 0.
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
 * Rng.fillNormal's JS loop does. The native kernels register one (setNormalFill).
 */
export type NormalFill = (s: Uint32Array, out: Float32Array, std: number) => void;

let nativeFill: NormalFill | undefined;
/** Below this many pairs the call into native code costs more than it saves. */
const NATIVE_MIN_PAIRS = 64;
const circle = new Float64Array(2);

/** Registers (or, with undefined, removes) the native normal fill that Rng.fillNormal uses. */
export function setNormalFill(fill: NormalFill | undefined): void {
  nativeFill = fill;
}

export class Rng {
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

  nextU32(): number {
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
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A non-zero 31-bit seed for tfjs' seeded random ops. */
  nextSeed(): number {
    return (this.nextU32() >>> 1) | 1;
  }

  /** Standard normal (Box-Muller on two uint32 draws, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let k = 0;
    while (k === 0) k = this.nextU32();
    const r = boxMullerRadius(k);
    unitCircle(this.nextU32(), circle);
    this.spare = r * circle[1];
    return r * circle[0];
  }

  /**
   * Fills `out` with N(0, std²) draws: the same values, in the same order, as normal() · std per element.
   * The hot path of FLOAT's per-forward noise: pairs go to the native fill when one is registered
   * (bit-identical), else to the same loop in JS with the generator's state in locals.
   */
  fillNormal(out: Float32Array, std: number): Float32Array {
    let i = 0;
    if (this.spare !== null && out.length > 0) {
      out[i++] = this.spare * std;
      this.spare = null;
    }
    const pairs = (out.length - i) >> 1;
    if (nativeFill && pairs >= NATIVE_MIN_PAIRS) {
      nativeFill(this.s, out.subarray(i, i + 2 * pairs), std);
      i += 2 * pairs;
    } else {
      const st = this.s;
      let s0 = st[0] | 0;
      let s1 = st[1] | 0;
      let s2 = st[2] | 0;
      let s3 = st[3] | 0;
      for (; i + 1 < out.length; i += 2) {
        let k: number;
        // Two xoshiro128** steps (nextU32's body, written out twice: a helper closure would move the state
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
