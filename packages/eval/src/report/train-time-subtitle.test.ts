import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../experiment/types';
import { trainTimeSpec } from './plots';

// Real reports of session 18's full-scale run: fmnist-compare trains PGD-AT at four λ, fmnist-slim none.
const report = (part: string) =>
  JSON.parse(readFileSync(new URL(`../../../../docs/results/paper-fmnist-quick-full-partial/${part}/report.json`, import.meta.url), 'utf8')) as ExperimentReport;
const subtitle = (r: ExperimentReport) => JSON.stringify((trainTimeSpec(r) as { title: { subtitle: unknown } }).title.subtitle);

describe('the training-time plot', () => {
  it("names PGD-AT's stacked models only where PGD-AT was trained", () => {
    expect(subtitle(report('fmnist-compare'))).toContain('its bar stacks all 4 models');
    expect(subtitle(report('fmnist-slim'))).not.toContain('PGD-AT');
    expect(subtitle(report('fmnist-slim'))).toContain('FLOAT slim = 12.18 s/epoch');
  });
});
