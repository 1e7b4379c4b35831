import { describe, expect, it } from 'vitest';
import { mapLambda } from './lambda-map';

const LAMBDAS = [0, 0.2, 0.5, 0.7, 1];

describe('mapLambda', () => {
  it('λ_th = 0 (the reference code): BN_C only at λ = 0, otherwise BN_A with λn = λ', () => {
    const table = LAMBDAS.map((l) => mapLambda(l, 0));
    expect(table.map((s) => s.norm)).toEqual(['clean', 'adv', 'adv', 'adv', 'adv']);
    const expected = [0, 0.2, 0.5, 0.7, 1];
    table.forEach((s, i) => {
      expect(s.lambdaN).toBeCloseTo(expected[i], 12);
      expect(s.lambda).toBe(LAMBDAS[i]);
      expect(s.lambdaTh).toBe(0);
    });
  });

  it('λ_th = 0.5 (Eq. 6): λ ≤ λ_th → BN_C, λn = λ/λ_th; above → BN_A, λn = (λ−λ_th)/(1−λ_th)', () => {
    const table = LAMBDAS.map((l) => mapLambda(l, 0.5));
    expect(table.map((s) => s.norm)).toEqual(['clean', 'clean', 'clean', 'adv', 'adv']);
    const expected = [0, 0.4, 1, 0.4, 1];
    table.forEach((s, i) => expect(s.lambdaN).toBeCloseTo(expected[i], 12));
  });

  it('λn is in [0, 1] and rises monotonically within each branch', () => {
    for (const th of [0, 0.3, 0.5, 0.9]) {
      let prev = { norm: 'clean', lambdaN: -1 };
      for (let k = 0; k <= 100; k++) {
        const s = mapLambda(k / 100, th);
        expect(s.lambdaN).toBeGreaterThanOrEqual(0);
        expect(s.lambdaN).toBeLessThanOrEqual(1 + 1e-12);
        if (s.norm === prev.norm) expect(s.lambdaN).toBeGreaterThanOrEqual(prev.lambdaN);
        else expect([prev.norm, s.norm]).toEqual(['clean', 'adv']);
        prev = s;
      }
    }
  });

  it('rejects invalid λ and λ_th', () => {
    for (const bad of [-0.1, 1.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => mapLambda(bad, 0.5)).toThrow(/λ must be in \[0, 1\]/);
    }
    for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => mapLambda(0.5, bad)).toThrow(/λ_th must be in \[0, 1\)/);
    }
  });
});
