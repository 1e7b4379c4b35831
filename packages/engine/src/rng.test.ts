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
});
