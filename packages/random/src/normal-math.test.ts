import { describe, expect, it } from 'vitest';
import { boxMullerRadius, unitCircle } from './normal-math';

/** The uint32s to check: both ends, powers of two and their neighbours, and a seeded spread. */
function probes(): number[] {
  const ks = [1, 2, 3, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x40000000, 0xc0000000, 0x20000000, 0x60000000];
  for (let e = 0; e < 32; e++) ks.push(2 ** e, Math.max(1, 2 ** e - 1), Math.min(0xffffffff, 2 ** e + 1));
  let s = 12345;
  for (let i = 0; i < 20000; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    ks.push(s || 1);
  }
  return ks;
}

describe('Box-Muller math', () => {
  it('radius √(−2 ln(k/2^32)) agrees with Math.log to a few units in the last place', () => {
    let worst = 0;
    for (const k of probes()) {
      const want = Math.sqrt(-2 * Math.log(k / 2 ** 32));
      const got = boxMullerRadius(k);
      worst = Math.max(worst, want === 0 ? Math.abs(got) : Math.abs(got - want) / want);
    }
    expect(worst).toBeLessThan(1e-14);
  });

  it('cos and sin of 2π·k/2^32 agree with Math.cos and Math.sin to within 1e-15', () => {
    const out = new Float64Array(2);
    let worst = 0;
    for (const k of [0, ...probes()]) {
      unitCircle(k, out);
      const a = (2 * Math.PI * k) / 2 ** 32;
      worst = Math.max(worst, Math.abs(out[0] - Math.cos(a)), Math.abs(out[1] - Math.sin(a)));
    }
    expect(worst).toBeLessThan(1e-15);
    unitCircle(0, out);
    expect([out[0], out[1]]).toEqual([1, 0]);
    unitCircle(0x40000000, out);
    expect([out[0], out[1]]).toEqual([-0, 1]);
  });
});
