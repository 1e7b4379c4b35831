import { describe, expect, it } from 'vitest';
import type { EvalRow } from '../commands/evaluate';
import { familiesOf, seedPlan } from './run';
import { acrossSeeds, diffStdError, familiesAcrossSeeds, stat } from './seeds';
import type { ExperimentMethodResult } from './types';

const row = (lambda: number | null, ca: number, ra: number): EvalRow => ({
  lambda,
  lambdaTh: lambda === null ? null : 0,
  norm: 'adv',
  lambdaN: 0,
  width: 1,
  ca,
  ra,
  caStd: 0,
  raStd: 0,
  draws: 1,
  attack: 'pgd-3',
  randomized: false,
  eot: 1,
  seconds: 0,
});

/** The fields the aggregation reads; the cost fields are filler. */
function result(label: string, method: string, seed: number, secondsPerEpoch: number, latencyMs: number, rows: EvalRow[], trainLambda: number | null = null): ExperimentMethodResult {
  return {
    method,
    label,
    seed,
    methodOptions: {},
    trainLambda,
    dir: `seed-${seed}/${label}`,
    params: { total: 100, trainable: 100, base: { total: 100, trainable: 100 }, byPlugin: {}, byPattern: { alpha: { total: 0, trainable: 0 }, adv: { total: 0, trainable: 0 }, film: { total: 0, trainable: 0 } } },
    secondsPerEpoch,
    epochSeconds: [secondsPerEpoch],
    trainSeconds: secondsPerEpoch,
    latencyMs,
    latency: { batch: 10, byLambda: [] },
    flops: 1,
    macs: 1,
    storageBytes: 100,
    storageBytesFig7b: 90,
    delayKind: 'conv',
    delayNs: 1,
    compression: null,
    attack: { name: 'pgd-3' },
    testImages: 40,
    rows,
    slim: null,
  };
}

describe('mean ± std across seeds', () => {
  it('is the mean and the sample std (n − 1), checked against hand-computed values', () => {
    // 70, 72, 77: mean 73; squared deviations 9 + 1 + 16 = 26; 26 / 2 = 13; √13 = 3.605551…
    const s = stat([70, 72, 77]);
    expect(s.mean).toBe(73);
    expect(s.std).toBeCloseTo(Math.sqrt(13), 12);
    expect(s.std).toBeCloseTo(3.605551275, 8);
    expect(s.n).toBe(3);
    expect(s.values).toEqual([70, 72, 77]);
    // Two seeds: 50 and 53 → mean 51.5, std |50 − 53| / √2 = 2.1213…
    expect(stat([50, 53]).std).toBeCloseTo(3 / Math.SQRT2, 12);
    // One seed: std 0, not NaN; no values: NaN with n 0; NaN values (unmeasured) are left out.
    expect(stat([41.5])).toEqual({ mean: 41.5, std: 0, n: 1, values: [41.5] });
    expect(stat([]).n).toBe(0);
    expect(Number.isNaN(stat([]).mean)).toBe(true);
    expect(stat([1, Number.NaN, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2, values: [1, 3] });
  });

  it('gives the standard error of a difference of means as √(s_a²/n_a + s_b²/n_b)', () => {
    // s_a² = 13 over 3 seeds, s_b² = 4.5 over 2 seeds: √(13/3 + 4.5/2) = √(6.58333…) = 2.565800…
    expect(diffStdError(stat([70, 72, 77]), stat([50, 53]))).toBeCloseTo(Math.sqrt(13 / 3 + 4.5 / 2), 12);
    expect(diffStdError(stat([1]), stat([2]))).toBe(0);
  });

  it('aggregates every CA/RA cell of a run across its seeds, and the timings', () => {
    const methods = [
      result('float', 'float', 1, 10, 2, [row(0, 80, 10), row(1, 74, 47)]),
      result('pgd-at-1', 'pgd-at', 1, 12, 1, [row(null, 73, 50)], 1),
      result('float', 'float', 2, 11, 3, [row(0, 82, 14), row(1, 75, 48)]),
      result('pgd-at-1', 'pgd-at', 2, 14, 1, [row(null, 75, 51)], 1),
      result('float', 'float', 3, 12, 4, [row(0, 81, 12), row(1, 79, 46)]),
      result('pgd-at-1', 'pgd-at', 3, 16, 1, [row(null, 74, 49)], 1),
    ];
    const a = acrossSeeds(methods);
    expect(a.map((x) => [x.label, x.seeds])).toEqual([
      ['float', [1, 2, 3]],
      ['pgd-at-1', [1, 2, 3]],
    ]);
    const [f0, f1] = a[0].rows;
    expect(f0.lambda).toBe(0);
    expect(f0.ca.mean).toBeCloseTo(81, 12);
    expect(f0.ca.std).toBeCloseTo(1, 12); // 80, 82, 81: deviations −1, 1, 0 → √(2/2) = 1
    expect(f0.ra.mean).toBeCloseTo(12, 12);
    expect(f0.ra.std).toBeCloseTo(2, 12); // 10, 14, 12 → √(8/2) = 2
    expect(f1.ca.mean).toBeCloseTo(76, 12);
    expect(f1.ca.std).toBeCloseTo(Math.sqrt(7), 12); // 74, 75, 79: 4 + 1 + 9 = 14 → √7
    expect(f1.ra.values).toEqual([47, 48, 46]);
    expect(a[1].rows[0].ra.mean).toBeCloseTo(50, 12);
    expect(a[0].secondsPerEpoch.mean).toBeCloseTo(11, 12);
    expect(a[0].secondsPerEpoch.std).toBeCloseTo(1, 12);
    expect(a[0].latencyMs.mean).toBeCloseTo(3, 12);
    expect(a[0].trainLambda).toBeNull();
    expect(a[1].trainLambda).toBe(1);

    // Families: each seed's sums, then mean ± std across seeds; the ratio to FLOAT is of the means.
    const fams = familiesAcrossSeeds([1, 2, 3].map((s) => familiesOf(methods.filter((m) => m.seed === s))));
    const pgd = fams.find((f) => f.method === 'pgd-at')!;
    expect(pgd.secondsPerEpoch).toBeCloseTo(14, 12);
    expect(pgd.secondsPerEpochStd).toBeCloseTo(2, 12); // 12, 14, 16
    expect(pgd.trainTimeVsFloat).toBeCloseTo(14 / 11, 12);
    expect(pgd.seeds).toBe(3);
    expect(fams.find((f) => f.method === 'float')!.latencyMsStd).toBeCloseTo(1, 12); // 2, 3, 4
  });
});

describe('seedPlan', () => {
  it('keeps --seed N as one seed in the flat layout and gives --seeds a directory per seed', () => {
    expect(seedPlan({})).toEqual({ seeds: [1], layout: 'flat' });
    expect(seedPlan({ seed: 4 })).toEqual({ seeds: [4], layout: 'flat' });
    expect(seedPlan({ seeds: [1, 2, 3] })).toEqual({ seeds: [1, 2, 3], layout: 'per-seed' });
    expect(seedPlan({ seeds: [7] })).toEqual({ seeds: [7], layout: 'per-seed' });
  });

  it('rejects both flags, an empty list, a repeated seed and a non-integer in one line', () => {
    expect(() => seedPlan({ seed: 1, seeds: [1, 2] })).toThrow(/^--seeds: give either --seed N .* not both$/);
    expect(() => seedPlan({ seeds: [] })).toThrow(/--seeds: expected a non-empty list of integers, got \[\]/);
    expect(() => seedPlan({ seeds: [1, 2, 1] })).toThrow(/--seeds: seed 1 is listed twice/);
    expect(() => seedPlan({ seeds: [1.5] })).toThrow(/--seeds: expected a non-empty list of integers/);
  });
});
