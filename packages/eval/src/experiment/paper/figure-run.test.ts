import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../../test-utils/tiny-dataset';
import { tinyPreset } from '../../test-utils/tiny-preset';
import { runFigure } from './run-paper';
import type { FigureReport } from './types';

const dataDir = writeTinyDataset();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('figure experiments on the tiny preset, sharing their runs', () => {
  it('Fig. 5 trains FLOAT and writes figure.json and its PNG; a second experiment directory with the same --runs reuses the run and its evaluation', async () => {
    const runs = join(dataDir, 'runs');
    const common = { preset: tinyPreset().name, runs, dataDir, verify: false, quiet: true, seed: 1 };
    const five = await runFigure('fmnist-lambda-n', { ...common, out: join(dataDir, 'fig5') });
    expect(five.report.notes.some((n) => n.startsWith('Reused the finished training run'))).toBe(false);
    expect(five.report.notes[0]).toBe(`Runs are trained and reused in ${runs}/ (run directories below are relative to it).`);
    expect(existsSync(join(runs, 'float', 'summary.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'fig5', 'float'))).toBe(false);
    const f = JSON.parse(readFileSync(join(dataDir, 'fig5', 'figure.json'), 'utf8')) as FigureReport;
    expect(f.figures.map((x) => x.id)).toEqual(['fig-5']);
    expect(f.figures[0].series.map((s) => s.name)).toEqual(['λ_th = 0', 'λ_th = 0.5']);
    expect(f.figures[0].series[0].points).toHaveLength(4);
    expect(f.figures[0].series[0].points[0].label).toMatch(/^λ = 0 \(λn 0\.00, BN_C\)$/);
    expect(f.plots).toEqual(['fig-5.svg', 'fig-5.png']);
    expect(readFileSync(join(dataDir, 'fig5', 'fig-5.png')).subarray(1, 4).toString()).toBe('PNG');

    const again = await runFigure('fmnist-lambda-n', { ...common, out: join(dataDir, 'fig5-again') });
    expect(again.report.notes).toContain('Reused the finished training run in float/ (its summary.json).');
    expect(again.report.notes.some((n) => n.startsWith('Reused the evaluation'))).toBe(true);
    expect(again.figure.figures[0].series[0].points.map((p) => p.y.mean)).toEqual(f.figures[0].series[0].points.map((p) => p.y.mean));
  }, 120_000);
});
