/**
 * A non-zero 32-bit seed for random stream `stream` of a run seeded with `seed`.
 *
 * tfjs treats a seed of 0 as "no seed" in some samplers (randomNormal), and nearby seeds such as s and s+1
 * should still give unrelated streams, so the pair is hashed (murmur3 finalizer) rather than added.
 */
export function deriveSeed(seed: number, stream: number): number {
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(stream)) {
    throw new RangeError(`deriveSeed needs safe integers, got seed=${seed}, stream=${stream}`);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let h = mix(low ^ 0x9e3779b9);
  h = mix(h ^ high);
  h = mix(h ^ (stream >>> 0) ^ 0x85ebca6b);
  return h === 0 ? 1 : h;
}

function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
