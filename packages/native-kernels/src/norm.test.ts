import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeKernels, NATIVE_ISAS } from './index';
import { relErr, seeded } from './test-utils/reference-conv';

const load = loadNativeKernels();

/** Float64 batch norm over [rows, channels] and its gradient, as the JS path computes them. */
function referenceBatchNorm(x: Float32Array, dy: Float32Array, gamma: Float32Array, beta: Float32Array, c: number, eps: number) {
  const m = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c] += x[i] / m;
  for (let i = 0; i < x.length; i++) variance[i % c] += (x[i] - mean[i % c]) ** 2 / m;
  const rstd = Array.from(variance, (v) => 1 / Math.sqrt(v + eps));
  const y = new Float64Array(x.length);
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let i = 0; i < x.length; i++) {
    const k = i % c;
    const xh = (x[i] - mean[k]) * rstd[k];
    y[i] = gamma[k] * xh + beta[k];
    dBeta[k] += dy[i];
    dGamma[k] += dy[i] * xh;
  }
  const dx = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = i % c;
    const xh = (x[i] - mean[k]) * rstd[k];
    dx[i] = gamma[k] * rstd[k] * (dy[i] - dBeta[k] / m - (xh * dGamma[k]) / m);
  }
  return { y, mean, variance, dx, dGamma, dBeta };
}

describe.skipIf(!load.ok)('native batch norm, ReLU, its gradient and add', () => {
  const k = load.ok ? load.kernels : undefined!;
  const best = load.ok ? k.isa() : 'generic';
  afterAll(() => {
    k.setIsa(best);
    k.setThreads(1);
  });

  // Rows across several 256-row chunks and a partial one; channel counts around the vector widths.
  const SHAPES = [
    { rows: 1, c: 3 },
    { rows: 300, c: 16 },
    { rows: 1000, c: 17 },
    { rows: 513, c: 64 },
    { rows: 64, c: 130 },
  ];

  for (const isa of NATIVE_ISAS) {
    it(`${isa}: forward statistics, output and gradients agree with float64 within 1e-5`, (ctx) => {
      if (!k.setIsa(isa)) return ctx.skip();
      for (const threads of [1, 2]) {
        k.setThreads(threads);
        SHAPES.forEach(({ rows, c }, s) => {
          // An offset mean checks that the variance is not computed as E[x²] − E[x]².
          const x = seeded(rows * c, 10 + s).map((v) => 3 + v);
          const dy = seeded(rows * c, 20 + s);
          const gamma = seeded(c, 30 + s);
          const beta = seeded(c, 40 + s);
          const ref = referenceBatchNorm(x, dy, gamma, beta, c, 1e-5);
          const y = new Float32Array(x.length).fill(NaN);
          const mean = new Float32Array(c);
          const variance = new Float32Array(c);
          k.batchNormTrain(x, gamma, beta, y, mean, variance, c, 1e-5);
          const dx = new Float32Array(x.length).fill(NaN);
          const dGamma = new Float32Array(c);
          const dBeta = new Float32Array(c);
          k.batchNormTrainGrad(x, dy, gamma, mean, variance, dx, dGamma, dBeta, c, 1e-5);
          const label = `${rows}x${c}, ${threads} thread(s)`;
          expect(relErr(mean, ref.mean), `${label} mean`).toBeLessThan(1e-6);
          expect(relErr(variance, ref.variance), `${label} variance`).toBeLessThan(1e-5);
          if (rows > 1) {
            expect(relErr(y, ref.y), `${label} y`).toBeLessThan(1e-5);
            expect(relErr(dx, ref.dx), `${label} dx`).toBeLessThan(1e-4);
          }
          expect(relErr(dGamma, ref.dGamma), `${label} dGamma`).toBeLessThan(1e-4);
          expect(relErr(dBeta, ref.dBeta), `${label} dBeta`).toBeLessThan(1e-5);
        });
      }
    });
  }

  it('gives bit-identical batch norm results for 1, 2, 3 and 16 threads', () => {
    const c = 32;
    const x = seeded(5000 * c, 1);
    const dy = seeded(5000 * c, 2);
    const gamma = seeded(c, 3);
    const beta = seeded(c, 4);
    const run = (threads: number) => {
      k.setThreads(threads);
      const out = { y: new Float32Array(x.length), mean: new Float32Array(c), variance: new Float32Array(c), dx: new Float32Array(x.length), dGamma: new Float32Array(c), dBeta: new Float32Array(c) };
      k.batchNormTrain(x, gamma, beta, out.y, out.mean, out.variance, c, 1e-5);
      k.batchNormTrainGrad(x, dy, gamma, out.mean, out.variance, out.dx, out.dGamma, out.dBeta, c, 1e-5);
      return out;
    };
    const a = run(1);
    for (const threads of [2, 3, 16]) {
      const b = run(threads);
      for (const key of Object.keys(a) as Array<keyof typeof a>) expect(Buffer.from(b[key].buffer).equals(Buffer.from(a[key].buffer)), `${key}, ${threads} threads`).toBe(true);
    }
  });

  it('reluGrad passes dy where y is positive', () => {
    const y = Float32Array.from([1, 0, -2, 3, -0, 5e-39]);
    const dy = Float32Array.from([10, 20, 30, 40, 50, 60]);
    const dx = new Float32Array(6).fill(NaN);
    k.reluGrad(dy, y, dx);
    expect(Array.from(dx)).toEqual([10, 0, 0, 40, 0, 60]);
    const big = seeded(100_000, 5);
    const g = seeded(100_000, 6);
    const out = new Float32Array(big.length);
    k.setThreads(2);
    k.reluGrad(g, big, out);
    expect(out.every((v, i) => v === (big[i] > 0 ? g[i] : 0))).toBe(true);
  });

  it('linfStep: clip(min(max(c + step·sign(g), x − ε), x + ε), 0, 1) rounded as float32 ops, on every ISA and thread count', () => {
    const n = 100_003;
    const x = seeded(n, 7).map((v, i) => (i % 13 === 0 ? 0 : i % 17 === 0 ? 1 : Math.abs(v) % 1));
    const c = x.map((v, i) => Math.min(1, Math.max(0, v + ((i * 7919) % 200 - 100) / 1000)));
    // Gradients of both signs, ±0 and tiny ones (below FLT_EPSILON: wasm's Sign would call them 0).
    const g = seeded(n, 8).map((v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : i % 5 === 0 ? v * 1e-9 : v));
    const f = Math.fround;
    for (const [step, eps] of [[0.03, 0.1], [-2 / 255, 8 / 255]]) {
      const s = f(step), e = f(eps);
      const expected = c.map((ci, i) => {
        const v = g[i] > 0 ? f(ci + s) : g[i] < 0 ? f(ci - s) : ci;
        return Math.min(1, Math.max(0, Math.min(f(x[i] + e), Math.max(f(x[i] - e), v))));
      });
      for (const isa of NATIVE_ISAS) {
        if (!k.setIsa(isa)) continue;
        for (const threads of [1, 2, 3]) {
          k.setThreads(threads);
          const out = new Float32Array(n).fill(NaN);
          k.linfStep(c, g, x, out, step, eps);
          expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(expected.buffer)), `${isa}, ${threads} threads, step ${step}`).toBe(0);
        }
      }
    }
    k.setIsa(best);
    expect(() => k.linfStep(c, new Float32Array(3), x, new Float32Array(n), 0.1, 0.1)).toThrow('linfStep: grad: has 3 elements, expected 100003');
  });

  it('add broadcasts b along a (same length, a channel vector, a scalar) and relu keeps NaN', () => {
    k.setThreads(2);
    for (const [n, period] of [[100_003, 100_003], [64 * 1000, 64], [50_000, 1], [3 * 7, 7]]) {
      const a = seeded(n, n);
      const b = seeded(period, period + 1);
      const out = new Float32Array(n).fill(NaN);
      k.add(a, b, out);
      expect(out.every((v, i) => v === Math.fround(a[i] + b[i % period])), `${n}/${period}`).toBe(true);
    }
    const x = Float32Array.from([-1, 0, 2, NaN, -Infinity, 3e38]);
    const y = new Float32Array(6);
    k.relu(x, y);
    expect(Array.from(y)).toEqual([0, 0, 2, NaN, 0, Math.fround(3e38)]);
    expect(() => k.add(new Float32Array(10), new Float32Array(3), new Float32Array(10))).toThrow("add: b: has 3 elements, which do not divide a's 10");
  });

  it('normalFill draws standard normal pairs and advances the generator state', () => {
    const state = Uint32Array.of(1, 2, 3, 4);
    const out = new Float32Array(200_000);
    k.normalFill(state, out, 2);
    expect(Array.from(state)).not.toEqual([1, 2, 3, 4]);
    let m = 0;
    for (const v of out) m += v / out.length;
    let v2 = 0;
    for (const v of out) v2 += (v - m) ** 2 / out.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(v2 / 4 - 1)).toBeLessThan(0.01);
    // The same state gives the same draws; the next call continues the stream.
    const again = new Float32Array(10);
    const s1 = Uint32Array.of(9, 9, 9, 9);
    const s2 = Uint32Array.of(9, 9, 9, 9);
    k.normalFill(s1, again, 1);
    const split = new Float32Array(10);
    k.normalFill(s2, split.subarray(0, 4), 1);
    k.normalFill(s2, split.subarray(4), 1);
    expect(Array.from(split)).toEqual(Array.from(again));
    expect(() => k.normalFill(new Uint32Array(3), out, 1)).toThrow('normalFill: state: expected a Uint32Array of 4 words');
    expect(() => k.normalFill(state, new Float32Array(3), 1)).toThrow('normalFill: out: expected an even length, got 3');
  });

  it('names bad arguments', () => {
    const x = new Float32Array(12);
    const c3 = new Float32Array(3);
    expect(() => k.batchNormTrain(x, c3, c3, new Float32Array(12), c3, c3, 5, 1e-5)).toThrow('batchNormTrain: x: has 12 elements, not a multiple of 5 channels');
    expect(() => k.batchNormTrain(x, new Float32Array(2), c3, new Float32Array(12), c3, c3, 3, 1e-5)).toThrow('batchNormTrain: gamma: has 2 elements, expected 3');
    expect(() => k.batchNormTrain(x, c3, c3, new Float32Array(12), c3, c3, 3, 0)).toThrow('batchNormTrain: epsilon: expected a positive number');
    expect(() => k.batchNormTrain(new Float32Array(0), c3, c3, new Float32Array(0), c3, c3, 3, 1e-5)).toThrow('batchNormTrain: x is empty');
    expect(() => k.batchNormTrainGrad(x, new Float32Array(11), c3, c3, c3, new Float32Array(12), c3, c3, 3, 1e-5)).toThrow('batchNormTrainGrad: dy: has 11 elements, expected 12');
    expect(() => k.reluGrad(x, new Float32Array(11), new Float32Array(12))).toThrow('reluGrad: y: has 11 elements, expected 12');
  });
});
