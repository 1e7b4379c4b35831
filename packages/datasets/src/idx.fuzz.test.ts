import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from './idx';
import { createRng } from './rng';

describe('IDX parser fuzz', () => {
  it('truncated, bit-flipped and oversized-header files fail cleanly without allocating', () => {
    const rng = createRng(7);
    const good = encodeIdx([20, 28, 28], Uint8Array.from({ length: 20 * 784 }, (_, i) => i % 251));
    const cases = 3000;
    let rejected = 0;
    const t0 = performance.now();
    for (let i = 0; i < cases; i++) {
      let bad = Uint8Array.from(good);
      const kind = rng.nextInt(3);
      if (kind === 0) bad = bad.subarray(0, rng.nextInt(bad.length));
      else if (kind === 1) bad[rng.nextInt(16)] ^= 1 << rng.nextInt(8);
      else new DataView(bad.buffer).setUint32(4 + 4 * rng.nextInt(3), rng.nextUint32(), false); // e.g. 2^32 − 1 images
      try {
        const r = parseIdx(bad, 'fuzz-idx');
        // Accepted files must be self-consistent: the data is exactly what the header promises.
        expect(r.data.length).toBe(r.dims.reduce((a, b) => a * b, 1));
      } catch (err) {
        expect((err as Error).message.startsWith('fuzz-idx: ')).toBe(true);
        rejected++;
      }
    }
    const ms = performance.now() - t0;
    console.info(`IDX fuzz: ${cases} cases, ${rejected} rejected, ${ms.toFixed(0)} ms`);
    expect(rejected).toBeGreaterThan(cases / 2);
    expect(ms).toBeLessThan(10_000);
  });
});
