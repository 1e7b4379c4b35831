import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@floatjs/checkpoint';
import { experimentMarkdown } from './markdown';
import { writePlots } from '../report/plots';
import { acrossSeeds } from './seeds';
import type { ExperimentReport } from './types';

/** Writes the plots, then report.json, then report.md (made from the report alone) into `dir`. */
export async function writeReport(report: ExperimentReport, dir: string): Promise<void> {
  report.plots = await writePlots(report, dir);
  writeFileAtomic(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(dir, 'report.md'), experimentMarkdown(report));
}

/**
 * A report.json as this version writes it: a version-1 report (one seed, no `acrossSeeds`) gets its seed on
 * every method and its single-seed aggregates, so that the Markdown and the plots can be made from it again.
 */
export function upgradeReport(json: unknown): ExperimentReport {
  const raw = json as ExperimentReport;
  if (raw?.format !== 'floatjs-experiment') throw new Error(`not an experiment report (format ${JSON.stringify(raw?.format)})`);
  if (raw.version === 2) return raw;
  if ((raw.version as number) !== 1) throw new Error(`experiment report version ${JSON.stringify(raw.version)}: expected 1 or 2`);
  const methods = raw.methods.map((m) => ({ ...m, seed: m.seed ?? raw.seed, methodOptions: m.methodOptions ?? (m.trainLambda === null ? {} : { lambda: m.trainLambda }) }));
  const families = raw.families.map((f) => ({ ...f, secondsPerEpochStd: f.secondsPerEpochStd ?? 0, seeds: f.seeds ?? 1, latencyMsStd: f.latencyMsStd ?? 0 }));
  return { ...raw, version: 2, seeds: [raw.seed], layout: 'flat', init: 'he-normal', methods, families, acrossSeeds: acrossSeeds(methods) };
}

/** Re-renders report.md and the plots of an experiment directory from its report.json (any version). */
export async function renderReport(dir: string): Promise<ExperimentReport> {
  const report = upgradeReport(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
  await writeReport(report, dir);
  return report;
}
