import { Rng } from '@floatjs/random';

/**
 * Stream `stream` of run seed `seed` for randomness drawn in JavaScript rather than by tfjs samplers, e.g.
 * Square's window positions: floatjs's one generator, keyed by the pair. Library code never uses
 * `Math.random`, so every attack is replayable.
 */
export function attackStream(seed: number, stream = 0): Rng {
  return Rng.keyed(seed, stream);
}

/** −1 or +1 with equal probability. */
export function randomSign(random: Rng): number {
  return random.nextFloat() < 0.5 ? -1 : 1;
}
