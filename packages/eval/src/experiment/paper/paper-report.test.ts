import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getExperiment } from '../registry';
import { getMethod } from '../../recipes/methods';
import { FIGURES, NOISE_RESCALE_LAMBDAS, OAT_SENSITIVITY_SETS } from './experiments';
import { paperMarkdown } from './markdown';
import { figureSpec } from './plots';
import { PAPER_PARTS, renderPaper } from './run-paper';
import type { PaperReport } from './types';

const fixture = (): PaperReport => JSON.parse(readFileSync(new URL('./test-utils/paper-report.json', import.meta.url), 'utf8')) as PaperReport;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the figure experiments', () => {
  it('are registered at fmnist-quick, and the paper runs every one of them after the older three', () => {
    expect(PAPER_PARTS.slice(0, 3)).toEqual(['fmnist-compare', 'fmnist-compress', 'fmnist-slim']);
    for (const name of Object.keys(FIGURES)) {
      expect(PAPER_PARTS).toContain(name);
      expect(getExperiment(name).preset).toBe('fmnist-quick');
    }
  });
  it('Fig. 2(b) trains OAT with three λ sets, each containing the evaluation set {0, 0.2, 0.7, 1}, the paper’s under the label fmnist-compare uses', () => {
    const runs = getExperiment('fmnist-oat-sensitivity').runs;
    expect(runs.map((r) => r.label)).toEqual(OAT_SENSITIVITY_SETS.map((s) => s.label));
    expect(runs[0]).toMatchObject({ method: 'oat', label: 'oat', methodOptions: { lambdas: [0, 0.2, 0.7, 1] } });
    expect(getExperiment('fmnist-compare').runs.find((r) => r.method === 'oat')?.methodOptions).toEqual(runs[0].methodOptions);
    for (const s of OAT_SENSITIVITY_SETS) for (const l of [0, 0.2, 0.7, 1]) expect(s.lambdas).toContain(l);
  });
  it('Fig. 3 evaluates the PNI model on a λn grid; PNI maps λ to the noise scale with one BN', () => {
    expect(getExperiment('fmnist-noise-rescale').evalLambdas).toEqual(NOISE_RESCALE_LAMBDAS);
    const s = getMethod('pni').settings([0, 0.4, 1], [0, 0.5]);
    expect(s.map((x) => [x.lambda, x.lambdaTh, x.cond.lambdaN, x.cond.norm, x.randomized])).toEqual([
      [0, null, 0, 'clean', false],
      [0.4, null, 0.4, 'clean', true],
      [1, null, 1, 'clean', true],
    ]);
    expect(() => getMethod('pni').settings([1.5], [0])).toThrow(/λn/);
  });
  it('Figs. 5, 9 and 10 reuse the run labels of fmnist-compare (so the paper trains those models once)', () => {
    const compare = new Set(getExperiment('fmnist-compare').runs.map((r) => r.label ?? (r.lambda === undefined ? r.method : `${r.method}-${r.lambda}`)));
    for (const name of ['fmnist-lambda-n', 'fmnist-attacks', 'fmnist-eps-steps']) {
      for (const r of getExperiment(name).runs) expect(compare.has(r.label ?? (r.lambda === undefined ? r.method : `${r.method}-${r.lambda}`))).toBe(true);
    }
  });
});

describe('the reproduction report', () => {
  it('renders the claim table, the rules and the parts from the JSON alone (pipes escaped)', () => {
    const md = paperMarkdown(fixture());
    expect(md).toContain('| 1 | lower λn → higher CA, lower RA | CA rises, RA falls (Sec. 3.1, Fig. 3) | λn 0: CA 85.5 ± 0.7 (n=2) | ✅ reproduced | both parts |');
    expect(md).toContain('➖ not testable at this scale');
    expect(md).toContain('- rule one | with a pipe');
    expect(md).toContain('1 reproduced, 0 not reproduced, 1 not testable at this scale (of 2)');
    expect(md).toContain('| fmnist-noise-rescale | 1 | 1 | 0 | 12 |');
    expect(md).toContain('`float experiment paper --seeds 1,2`');
    expect(md).toContain('![fig-3](fig-3.png)');
  });
  it('a figure’s spec has its points as means with ± std bars', () => {
    const spec = figureSpec(fixture().figures[0]) as { data: { values: Array<Record<string, number | string>> } };
    const ra1 = spec.data.values.find((v) => v.series === 'robust accuracy RA' && v.label === 'λn = 1')!;
    expect(ra1.y).toBe(46);
    expect(ra1.yHi as number).toBeCloseTo(46 + Math.SQRT2, 6);
    expect(ra1.xLo).toBe(1);
  });
  it('--render re-makes report.md and a PNG per figure from report.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-report-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'report.json'), JSON.stringify(fixture()));
    const r = await renderPaper(dir);
    expect(r.plots).toEqual(['fig-3.svg', 'fig-3.png']);
    const png = readFileSync(join(dir, 'fig-3.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(5000);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('# FLOAT (Kundu et al., WACV 2023), reproduced at small scale');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).plots).toEqual(['fig-3.svg', 'fig-3.png']);
  });
  it('refuses a report.json of another kind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-report-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'report.json'), JSON.stringify({ format: 'floatjs-experiment' }));
    await expect(renderPaper(dir)).rejects.toThrow(/not a paper reproduction report/);
  });
});
