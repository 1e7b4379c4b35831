import type { Compression } from '../cost';
import type { ExperimentFamily, ExperimentMethodResult, SeedAggregate, SeedRow, Stat } from './types';

/**
 * Mean and sample standard deviation (n − 1 in the denominator, the usual "± std across seeds"); the std of a
 * single value is 0. NaN values (a figure a run did not measure) are left out.
 */
export function stat(values: readonly number[]): Stat {
  const v = values.filter((x) => !Number.isNaN(x));
  const n = v.length;
  if (!n) return { mean: Number.NaN, std: Number.NaN, n: 0, values: [] };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n, values: [...v] };
}

/** Standard error of the difference of two means, √(s_a²/n_a + s_b²/n_b); 0 when both are single values. */
export function diffStdError(a: Stat, b: Stat): number {
  return Math.sqrt((a.n ? a.std ** 2 / a.n : 0) + (b.n ? b.std ** 2 / b.n : 0));
}

const rowKey = (r: { lambda: number | null; lambdaTh: number | null; width?: number }) => `${r.lambda}|${r.lambdaTh}|${r.width ?? 1}`;

/**
 * Per run label, every CA/RA cell and the timings as mean ± std across the seeds that ran it. A cell missing
 * from some seed's evaluation is aggregated over the seeds that have it (its `n` says how many).
 */
export function acrossSeeds(methods: readonly ExperimentMethodResult[]): SeedAggregate[] {
  const byLabel = new Map<string, ExperimentMethodResult[]>();
  for (const m of methods) byLabel.set(m.label, [...(byLabel.get(m.label) ?? []), m]);
  return [...byLabel].map(([label, runs]) => {
    const first = runs[0];
    const keys = [...new Set(runs.flatMap((r) => r.rows.map(rowKey)))];
    const rows: SeedRow[] = keys.map((key) => {
      const cells = runs.flatMap((r) => r.rows.filter((x) => rowKey(x) === key));
      const c = cells[0];
      return {
        lambda: c.lambda,
        lambdaTh: c.lambdaTh,
        width: c.width ?? 1,
        norm: c.norm,
        lambdaN: c.lambdaN,
        randomized: c.randomized,
        eot: c.eot,
        ca: stat(cells.map((x) => x.ca)),
        ra: stat(cells.map((x) => x.ra)),
      };
    });
    return {
      label,
      method: first.method,
      trainLambda: first.trainLambda,
      seeds: runs.map((r) => r.seed),
      rows,
      secondsPerEpoch: stat(runs.map((r) => r.secondsPerEpoch)),
      trainSeconds: stat(runs.map((r) => r.trainSeconds)),
      latencyMs: stat(runs.map((r) => r.latencyMs)),
      compression: first.compression ? compressionAcross(runs.map((r) => r.compression!)) : null,
    };
  });
}

function compressionAcross(cs: readonly Compression[]): NonNullable<SeedAggregate['compression']> {
  const of = (k: 'density' | 'cr' | 'channelPercent' | 'crf' | 'modelSparse8Bytes') => stat(cs.map((c) => c[k]));
  return { density: of('density'), cr: of('cr'), channelPercent: of('channelPercent'), crf: of('crf'), modelSparse8Bytes: of('modelSparse8Bytes') };
}

/**
 * One family list from each seed's (`familiesOf`): the timings become means across seeds with their std, the
 * ratios to FLOAT are recomputed from the means, and the model-size figures (the same for every seed) are kept.
 */
export function familiesAcrossSeeds(perSeed: ReadonlyArray<readonly ExperimentFamily[]>): ExperimentFamily[] {
  const fams = perSeed[0].map((f): ExperimentFamily => {
    const same = perSeed.map((fs) => fs.find((x) => x.method === f.method)).filter((x): x is ExperimentFamily => x !== undefined);
    const secs = stat(same.map((x) => x.secondsPerEpoch));
    const lat = stat(same.map((x) => x.latencyMs));
    return { ...f, seeds: same.length, secondsPerEpoch: secs.mean, secondsPerEpochStd: secs.std, latencyMs: lat.mean, latencyMsStd: lat.std, trainTimeVsFloat: null, paramsVsFloat: null };
  });
  return withRatiosToFloat(fams);
}

/** Fills every family's training time and parameters relative to FLOAT's (left null when FLOAT is not run). */
export function withRatiosToFloat(fams: ExperimentFamily[]): ExperimentFamily[] {
  const float = fams.find((f) => f.method === 'float');
  if (float) {
    for (const f of fams) {
      f.trainTimeVsFloat = f.secondsPerEpoch / float.secondsPerEpoch;
      f.paramsVsFloat = f.paramsPerModel / float.paramsPerModel;
    }
  }
  return fams;
}
