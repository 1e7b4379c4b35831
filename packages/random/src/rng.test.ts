import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

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

  it('hands whole pairs to a given pair fill, and keeps the spare and the odd tail in the JS stream', () => {
    const plain = new Rng(5);
    const viaFill = new Rng(5);
    const calls: number[] = [];
    // A pair fill that is the JS loop itself (through a fresh fill of the same state), to check the hand-off.
    const pairs = (s: Uint32Array, out: Float32Array, std: number) => {
      calls.push(out.length);
      const twin = new Rng(0);
      twin.setState({ s: [s[0], s[1], s[2], s[3]], spare: null });
      twin.fillNormal(out, std);
      s.set(twin.getState().s);
    };
    for (const n of [3, 8, 1, 5]) {
      const want = plain.fillNormal(new Float32Array(n), 0.7);
      const got = viaFill.fillNormal(new Float32Array(n), 0.7, pairs);
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(viaFill.getState()).toEqual(plain.getState());
    }
    // 3: one pair and a tail (its twin cached); 8: the cached value, three pairs, a tail; 1: the cached value; 5: two pairs, a tail.
    expect(calls).toEqual([2, 6, 4]);
  });

  it("Rng.keyed gives the data pipeline's streams of before the generators were merged", () => {
    // First draws of datasets' createRng (its own splitmix32 + xoshiro128**), recorded before it became Rng.keyed.
    const recorded: Array<[number[], number[]]> = [
      [[1], [906669289, 1457168248, 1020020515, 2086032432, 2804957349, 1725243884]],
      [[9, 1, 3], [530401147, 2980386576, 3396511188, 3275640357, 2496419676, 2302236753]],
      [[2 ** 40 + 5, 0], [2057276463, 684550256, 324503175, 3210290209, 453443564, 2972541805]],
      [[0, 0], [2615600626, 1529074024, 1498093010, 3954751528, 3674161585, 2211106925]],
    ];
    for (const [keys, first] of recorded) {
      const rng = Rng.keyed(...keys);
      expect(Array.from({ length: first.length }, () => rng.nextUint32()), JSON.stringify(keys)).toEqual(first);
    }
    expect(() => Rng.keyed(1.5)).toThrow('rng keys must be safe integers, got 1.5');
  });

  it('nextInt is uniform over [0, n) and rejects a bad n', () => {
    const rng = new Rng(11);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.nextInt(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(rng.nextInt(1)).toBe(0);
    expect(() => rng.nextInt(0)).toThrow('nextInt: n must be an integer in [1, 2^32], got 0');
  });
});
