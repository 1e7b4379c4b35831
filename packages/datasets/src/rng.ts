import { Rng as Generator, type UniformSource } from '@floatjs/random';

/** The draws the data pipeline makes (an augmentation receives one): @floatjs/random's uniform interface. */
export type Rng = UniformSource;

/**
 * A generator keyed by several integers, e.g. `(seed, epoch, stream)`: floatjs's one generator
 * (@floatjs/random's `Rng.keyed`). Keys are folded in order, so `(1, 2)` and `(2, 1)` give different
 * streams. Keys must be safe integers.
 */
export function createRng(...keys: number[]): Rng {
  return Generator.keyed(...keys);
}
