import { loadNativeKernels } from '@floatjs/native-kernels';
import { describe, expect, it } from 'vitest';
import { Rng, setNormalFill } from './rng';

const load = loadNativeKernels();

describe('Rng', () => {
  it('fillNormal draws the same stream as normal() per element, across odd lengths and a spare value', () => {
    const bulk = new Rng(42);
    const single = new Rng(42);
    for (const length of [7, 1, 0, 10, 3, 1000]) {
      const got = bulk.fillNormal(new Float32Array(length), 0.3);
      const want = Float32Array.from({ length }, () => single.normal() * 0.3);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `length ${length}`).toBe(true);
      expect(bulk.getState()).toEqual(single.getState());
    }
  });

  it('is reproducible from its state: a restored generator continues the same stream', () => {
    const a = new Rng('seed');
    a.fillNormal(new Float32Array(5), 1);
    const saved = a.getState();
    const first = a.fillNormal(new Float32Array(9), 1);
    const b = new Rng(0);
    b.setState(saved);
    expect(Array.from(b.fillNormal(new Float32Array(9), 1))).toEqual(Array.from(first));
  });

  it.skipIf(!load.ok)('the native fill gives the JS loop\'s values bit for bit, and leaves the same state', () => {
    const k = load.ok ? load.kernels : undefined!;
    try {
      for (const seed of [1, 7, 123456, 'noise']) {
        for (const [std, lengths] of [[1, [128, 1]], [0.05, [129, 3, 20000]], [2.5, [1, 257, 64 * 1024 + 1]]] as const) {
          const js = new Rng(seed);
          const native = new Rng(seed);
          for (const n of lengths) {
            setNormalFill(undefined);
            const want = js.fillNormal(new Float32Array(n), std);
            setNormalFill((s, out, sd) => k.normalFill(s, out, sd));
            const got = native.fillNormal(new Float32Array(n), std);
            expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `seed ${seed}, length ${n}`).toBe(true);
            expect(native.getState()).toEqual(js.getState());
          }
        }
      }
    } finally {
      setNormalFill(undefined);
    }
  });

  it('draws standard normals: mean, variance and tails of 200,000 draws', () => {
    const x = new Rng(3).fillNormal(new Float32Array(200_000), 1);
    let m = 0;
    for (const v of x) m += v / x.length;
    let v2 = 0;
    for (const v of x) v2 += (v - m) ** 2 / x.length;
    const beyond2 = x.filter((v) => Math.abs(v) > 2).length / x.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v2 - 1)).toBeLessThan(0.01);
    expect(Math.abs(beyond2 - 0.0455)).toBeLessThan(0.003);
  });
});
