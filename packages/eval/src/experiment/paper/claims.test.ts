import { describe, expect, it } from 'vitest';
import { stat } from '../seeds';
import type { ExperimentReport, SeedAggregate, SeedRow } from '../types';
import { paperClaims } from './claims';

const row = (lambda: number | null, ca: number[], ra: number[], lambdaTh: number | null = 0, width = 1): SeedRow => ({ lambda, lambdaTh, width, norm: 'adv', lambdaN: lambda ?? 0, randomized: false, eot: 1, ca: stat(ca), ra: stat(ra) });
const agg = (label: string, method: string, rows: SeedRow[], trainLambda: number | null = null): SeedAggregate => ({
  label,
  method,
  trainLambda,
  seeds: [1, 2, 3],
  rows,
  secondsPerEpoch: stat([1, 1, 1]),
  trainSeconds: stat([1, 1, 1]),
  latencyMs: stat([1, 1, 1]),
  compression: null,
});
const report = (aggs: SeedAggregate[], extra: Partial<ExperimentReport> = {}): ExperimentReport => ({ seeds: [1, 2, 3], seed: 1, methods: [], acrossSeeds: aggs, paperReference: null, ...extra }) as unknown as ExperimentReport;
const L = [0, 0.2, 0.7, 1];
const byId = (cs: ReturnType<typeof paperClaims>, id: string) => cs.find((c) => c.id === id)!;

describe('paperClaims on synthetic numbers', () => {
  it('FLOAT vs OAT: reproduced when CA and RA are both higher beyond the seeds’ spread somewhere and nowhere lower', () => {
    const float = agg('float', 'float', L.map((l) => row(l, [80, 81, 82], [50, 51, 52])));
    const oat = agg('oat', 'oat', L.map((l) => row(l, [75, 76, 77], [l === 1 ? 50.5 : 45, l === 1 ? 51.5 : 46, l === 1 ? 52.5 : 47], null)));
    const c = byId(paperClaims({ reports: { 'fmnist-compare': report([float, oat]) }, extras: {} }), 'float-vs-oat');
    expect(c.verdict).toBe('reproduced');
    expect(c.measured).toMatch(/CA at λ = 0: 81\.0 ± 1\.0 \(n=3\) vs 76\.0 ± 1\.0 \(n=3\)/);
  });
  it('FLOAT vs OAT: one lower RA cell is enough for "not reproduced", and ties alone never reproduce', () => {
    const float = agg('float', 'float', L.map((l) => row(l, [80, 81, 82], [50, 51, 52])));
    const lower = agg('oat', 'oat', L.map((l) => row(l, [75, 76, 77], l === 1 ? [60, 61, 62] : [45, 46, 47], null)));
    expect(byId(paperClaims({ reports: { 'fmnist-compare': report([float, lower]) }, extras: {} }), 'float-vs-oat').verdict).toBe('not reproduced');
    const same = agg('oat', 'oat', L.map((l) => row(l, [80, 81, 82], [50, 51, 52], null)));
    const c = byId(paperClaims({ reports: { 'fmnist-compare': report([float, same]) }, extras: {} }), 'float-vs-oat');
    expect(c.verdict).toBe('not reproduced');
    expect(c.reason).toMatch(/within the combined std/);
  });
  it('one seed makes every method comparison not testable, however large the gap', () => {
    const float = agg('float', 'float', L.map((l) => row(l, [90], [60])));
    const oat = agg('oat', 'oat', L.map((l) => row(l, [50], [10], null)));
    const c = byId(paperClaims({ reports: { 'fmnist-compare': report([float, oat], { seeds: [1] }) }, extras: {} }), 'float-vs-oat');
    expect(c.verdict).toBe('not testable at this scale');
    expect(c.reason).toMatch(/1 seed\(s\)/);
  });
  it('models at chance level make an accuracy claim not testable, even where the comparison would pass', () => {
    const float = agg('float', 'float', L.map((l) => row(l, [10, 11, 12], [10, 11, 12])));
    const pgd = L.map((l) => agg(`pgd-at-${l}`, 'pgd-at', [row(null, [10, 11, 12], [9, 10, 11], null)], l));
    const c = byId(paperClaims({ reports: { 'fmnist-compare': report([float, ...pgd]) }, extras: {} }), 'float-vs-pgd-at');
    expect(c.verdict).toBe('not testable at this scale');
    expect(c.reason).toMatch(/chance level \(float: best CA 11\.0%/);
  });
  it('"similar or better" is not testable when the spread could hide a 5-point loss', () => {
    const float = agg('float', 'float', L.map((l) => row(l, [70, 80, 90], [40, 50, 60])));
    const pgd = L.map((l) => agg(`pgd-at-${l}`, 'pgd-at', [row(null, [70, 80, 90], [40, 50, 60], null)], l));
    const c = byId(paperClaims({ reports: { 'fmnist-compare': report([float, ...pgd]) }, extras: {} }), 'float-vs-pgd-at');
    expect(c.verdict).toBe('not testable at this scale');
    expect(c.reason).toMatch(/too wide to see a loss of 5 points/);
    const tight = L.map((l) => agg(`pgd-at-${l}`, 'pgd-at', [row(null, [79, 80, 81], [49, 50, 51], null)], l));
    const tightF = agg('float', 'float', L.map((l) => row(l, [79.5, 80.5, 81.5], [49, 50, 51])));
    expect(byId(paperClaims({ reports: { 'fmnist-compare': report([tightF, ...tight]) }, extras: {} }), 'float-vs-pgd-at').verdict).toBe('reproduced');
  });
  it('Fig. 2(b): a λ-set effect beyond the spread but under 5 points is not reproduced', () => {
    const set = (label: string, ra: number) => agg(label, 'oat', L.map((l) => row(l, [80, 80.1, 80.2], [ra, ra + 0.1, ra + 0.2], null)));
    const small = report([set('oat', 50), set('oat-b', 53)]);
    const c = byId(paperClaims({ reports: { 'fmnist-oat-sensitivity': small }, extras: {} }), 'oat-sensitivity');
    expect(c.verdict).toBe('not reproduced');
    const big = report([set('oat', 50), set('oat-b', 60)]);
    expect(byId(paperClaims({ reports: { 'fmnist-oat-sensitivity': big }, extras: {} }), 'oat-sensitivity').verdict).toBe('reproduced');
  });
  it('Fig. 3: noise re-scaling is reproduced when CA falls and RA rises with λn', () => {
    const pni = agg('pni', 'pni', [row(0, [85, 86, 87], [5, 6, 7], null), row(0.5, [80, 81, 82], [30, 31, 32], null), row(1, [75, 76, 77], [45, 46, 47], null)]);
    expect(byId(paperClaims({ reports: { 'fmnist-noise-rescale': report([pni]) }, extras: {} }), 'noise-rescale').verdict).toBe('reproduced');
    const flat = agg('pni', 'pni', [row(0, [80, 81, 82], [40, 41, 42], null), row(1, [80, 81, 82], [45, 46, 47], null)]);
    expect(byId(paperClaims({ reports: { 'fmnist-noise-rescale': report([flat]) }, extras: {} }), 'noise-rescale').verdict).toBe('not reproduced');
  });
  it('a claim whose experiment was not run is not testable, and the out-of-scope claims are listed as such', () => {
    const cs = paperClaims({ reports: {}, extras: {} });
    expect(byId(cs, 'slim-vs-oat-slim').verdict).toBe('not testable at this scale');
    expect(byId(cs, 'sota-datasets').verdict).toBe('not testable at this scale');
    expect(cs.filter((c) => c.verdict === 'reproduced')).toEqual([]);
    expect(new Set(cs.map((c) => c.id)).size).toBe(cs.length);
  });
  it('training time: OAT slower than FLOAT beyond the spread of the per-seed timings', () => {
    const m = (method: string, seed: number, s: number) => ({ method, label: method, seed, secondsPerEpoch: s, latencyMs: 1, params: { trainable: method === 'oat' ? 150 : 100 }, storageBytesFig7b: method === 'oat' ? 150 : 100 });
    const r = report([], { methods: [m('float', 1, 10), m('float', 2, 11), m('float', 3, 12), m('oat', 1, 30), m('oat', 2, 31), m('oat', 3, 32)] as unknown as ExperimentReport['methods'] });
    const c = byId(paperClaims({ reports: { 'fmnist-compare': r }, extras: {} }), 'train-time-oat');
    expect(c.verdict).toBe('reproduced');
    expect(c.measured).toMatch(/OAT\/FLOAT 2\.82×/);
    const p = byId(paperClaims({ reports: { 'fmnist-compare': r }, extras: {} }), 'params-oat');
    expect(p.verdict).toBe('reproduced');
    expect(p.measured).toMatch(/1\.500×/);
  });
});
