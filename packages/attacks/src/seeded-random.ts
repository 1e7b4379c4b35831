import { deriveSeed } from './seed';

/**
 * Seeded uniform generator (mulberry32) for randomness drawn in JavaScript rather than by tfjs samplers,
 * e.g. Square's window positions. Library code never uses `Math.random`, so every attack is replayable.
 */
export class SeededRandom {
  private state: number;

  /** Stream `stream` of run seed `seed` (hashed by `deriveSeed`, so nearby seeds give unrelated streams). */
  constructor(seed: number, stream = 0) {
    this.state = deriveSeed(seed, stream);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** −1 or +1 with equal probability. */
  sign(): number {
    return this.next() < 0.5 ? -1 : 1;
  }
}
