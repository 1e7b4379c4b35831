import { Rng } from '@floatjs/engine';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAMBDAS, lambdaIndex, randomOrthogonal } from './lambdas';
import { sampleLambdas } from './loss-mix';

describe('randomOrthogonal', () => {
  it('is orthogonal: EᵀE ≈ I and EEᵀ ≈ I', () => {
    const d = 128;
    const e = randomOrthogonal(d, 1);
    let errCols = 0;
    let errRows = 0;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        let cols = 0;
        let rows = 0;
        for (let k = 0; k < d; k++) {
          cols += e[k * d + a] * e[k * d + b];
          rows += e[a * d + k] * e[b * d + k];
        }
        const want = a === b ? 1 : 0;
        errCols = Math.max(errCols, Math.abs(cols - want));
        errRows = Math.max(errRows, Math.abs(rows - want));
      }
    }
    expect(errCols).toBeLessThan(1e-5);
    expect(errRows).toBeLessThan(1e-5);
  });

  it('is seeded: the same seed gives the same matrix, another seed another', () => {
    expect(randomOrthogonal(16, 3)).toEqual(randomOrthogonal(16, 3));
    expect(randomOrthogonal(16, 3)).not.toEqual(randomOrthogonal(16, 4));
  });
});

describe('lambdaIndex', () => {
  it('finds λ by position (tolerating float32 round trips) and rejects λs outside the set', () => {
    expect(lambdaIndex(DEFAULT_LAMBDAS, 0)).toBe(0);
    expect(lambdaIndex(DEFAULT_LAMBDAS, Math.fround(0.3))).toBe(3);
    expect(lambdaIndex(DEFAULT_LAMBDAS, 1)).toBe(5);
    expect(() => lambdaIndex(DEFAULT_LAMBDAS, 0.25)).toThrow(/λ = 0.25 is not in the model's λ set \{0, 0.1, 0.2, 0.3, 0.4, 1\}/);
  });
});

describe('sampleLambdas (OAT element-wise sampling)', () => {
  it('gives the first ⌈B/|S|⌉ rows λ = 0 and the rest non-zero λs from the set, seeded', () => {
    const a = sampleLambdas(128, DEFAULT_LAMBDAS, new Rng(5));
    const zeros = Math.ceil(128 / 6);
    expect(a.slice(0, zeros).every((l) => l === 0)).toBe(true);
    expect(a.slice(zeros).every((l) => l > 0 && DEFAULT_LAMBDAS.includes(l))).toBe(true);
    // Every non-zero choice is drawn, roughly uniformly.
    for (const l of [0.1, 0.2, 0.3, 0.4, 1]) expect(a.filter((v) => v === l).length).toBeGreaterThan(5);
    expect(sampleLambdas(128, DEFAULT_LAMBDAS, new Rng(5))).toEqual(a);
    expect(sampleLambdas(128, DEFAULT_LAMBDAS, new Rng(6))).not.toEqual(a);
  });

  it('handles sets without 0 and the set {0}', () => {
    expect(sampleLambdas(5, [0.5, 1], new Rng(1)).every((l) => l === 0.5 || l === 1)).toBe(true);
    expect(sampleLambdas(5, [0], new Rng(1))).toEqual([0, 0, 0, 0, 0]);
  });
});
