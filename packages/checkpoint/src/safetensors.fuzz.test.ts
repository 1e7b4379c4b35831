import { describe, expect, it } from 'vitest';
import { Rng } from '@floatjs/random';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

/** Mutations a damaged or hostile file may carry: truncation, bit flips, and header-length lies. */
function mutate(bytes: Uint8Array, rng: Rng): Uint8Array {
  const out = Uint8Array.from(bytes);
  switch (rng.nextUint32() % 4) {
    case 0:
      return out.subarray(0, rng.nextUint32() % out.length);
    case 1: {
      const flips = 1 + (rng.nextUint32() % 8);
      for (let i = 0; i < flips; i++) out[rng.nextUint32() % out.length] ^= 1 << (rng.nextUint32() % 8);
      return out;
    }
    case 2: {
      // Header length claims up to 2^53 bytes.
      new DataView(out.buffer).setBigUint64(0, BigInt(rng.nextUint32()) * BigInt(rng.nextUint32() % 2 ** 21), true);
      return out;
    }
    default: {
      // Flip bits inside the JSON header only, where offsets and shapes live.
      const len = Number(new DataView(out.buffer).getBigUint64(0, true));
      out[8 + (rng.nextUint32() % len)] ^= 1 << (rng.nextUint32() % 8);
      return out;
    }
  }
}

describe('safetensors decoder fuzz', () => {
  it('every mutated file decodes or fails with a clean error naming the file, quickly', () => {
    const rng = new Rng(2024);
    const tensors = new Map([
      ['a.kernel', { shape: [3, 3, 2, 4], data: rng.fillNormal(new Float32Array(72), 1) }],
      ['b.gamma', { shape: [4], data: Float32Array.of(1, 2, 3, 4) }],
    ]);
    const good = encodeSafetensors(tensors, { recipe: '{}' });
    const cases = 3000;
    let rejected = 0;
    const t0 = performance.now();
    for (let i = 0; i < cases; i++) {
      const bad = mutate(good, rng);
      try {
        decodeSafetensors(bad, 'fuzz.safetensors');
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message.startsWith('fuzz.safetensors: corrupt safetensors file: ')).toBe(true);
        rejected++;
      }
    }
    const ms = performance.now() - t0;
    console.info(`safetensors fuzz: ${cases} cases, ${rejected} rejected, ${ms.toFixed(0)} ms`);
    // A bit flip in the data section is caught by the sha256 digest, so nearly every case is rejected.
    expect(rejected).toBeGreaterThan(cases * 0.95);
    expect(ms).toBeLessThan(20_000);
  });
});
