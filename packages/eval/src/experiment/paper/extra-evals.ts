import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WEIGHTS_FILE } from '@floatjs/checkpoint';
import { runEval, type EvalReport, type EvalRow } from '../../commands/evaluate';
import { runCheck, type CheckReport } from '../../commands/check';
import type { DataOptions } from '../../recipes/data';
import type { ExperimentMethodResult } from '../types';
import type { ExtraMeasurement } from './types';

export interface ExtraOptions extends DataOptions {
  /** Where the runs are (the experiment's runs directory). */
  runs: string;
  backend?: string;
  quiet?: boolean;
  limit?: number;
  /** AutoAttack: test images (default min(limit or preset, 200)), iterations, Square queries and EOT. */
  aaLimit?: number;
  aaIter?: number;
  aaQueries?: number;
  aaEot?: number;
  allowDeterministic?: boolean;
}

function readFresh<T>(file: string, weights: string): T | null {
  if (!existsSync(file) || !existsSync(weights)) return null;
  if (statSync(file).mtimeMs < statSync(weights).mtimeMs) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The file name an extra evaluation is kept in: the attack and the options that change its result. */
export function extraEvalFile(attack: string, o: Pick<ExtraOptions, 'aaIter' | 'aaQueries' | 'aaEot'>): string {
  if (!attack.startsWith('autoattack')) return `eval-${attack}.json`;
  return `eval-${attack}${o.aaIter === undefined ? '' : `-i${o.aaIter}`}${o.aaQueries === undefined ? '' : `-q${o.aaQueries}`}${o.aaEot === undefined ? '' : `-eot${o.aaEot}`}.json`;
}

/**
 * `float eval` of a run with another attack (FGSM, AutoAttack), written beside its eval.json; reused when that
 * file is newer than the weights and used the same number of test images.
 */
export async function extraEval(
  r: ExperimentMethodResult,
  attack: string,
  o: ExtraOptions & { testImages: number; lambdaThs?: number[] },
): Promise<{ rows: EvalRow[]; measurement: ExtraMeasurement }> {
  const dir = join(o.runs, r.dir);
  const rel = join(r.dir, extraEvalFile(attack, o));
  const file = join(o.runs, rel);
  const t0 = performance.now();
  const old = readFresh<EvalReport>(file, join(dir, WEIGHTS_FILE));
  if (old && old.testImages === o.testImages) return { rows: old.rows, measurement: { kind: 'eval', name: attack, label: r.label, seed: r.seed, file: rel, reused: true, seconds: 0 } };
  const aa = attack.startsWith('autoattack');
  const ev = await runEval(dir, {
    attack,
    json: file,
    limit: o.testImages,
    ...(o.lambdaThs ? { lambdaThs: o.lambdaThs } : {}),
    ...(aa && o.aaIter !== undefined ? { aaIter: o.aaIter } : {}),
    ...(aa && o.aaQueries !== undefined ? { aaQueries: o.aaQueries } : {}),
    ...(aa && o.aaEot !== undefined ? { eot: o.aaEot } : {}),
    backend: o.backend,
    dataDir: o.dataDir,
    download: o.download,
    verify: o.verify,
    quiet: o.quiet,
    allowDeterministic: o.allowDeterministic,
  });
  return { rows: ev.rows, measurement: { kind: 'eval', name: attack, label: r.label, seed: r.seed, file: rel, reused: false, seconds: (performance.now() - t0) / 1000 } };
}

/**
 * `float check` of a run at λ = 1 (Fig. 10's curves and Table 2's checks), into `<run>/check-l1/`; with a
 * `source` run (another seed's model) check (ii) crafts transfer examples on it. Reused when its check.json is
 * newer than the weights with the same test images and source.
 */
export async function extraCheck(
  r: ExperimentMethodResult,
  o: ExtraOptions & { testImages: number; source?: ExperimentMethodResult },
): Promise<{ report: CheckReport; measurement: ExtraMeasurement }> {
  const dir = join(o.runs, r.dir);
  const relDir = join(r.dir, 'check-l1');
  const out = join(o.runs, relDir);
  const source = o.source ? join(o.runs, o.source.dir) : null;
  const t0 = performance.now();
  const old = readFresh<CheckReport>(join(out, 'check.json'), join(dir, WEIGHTS_FILE));
  const m = (reused: boolean, seconds: number): ExtraMeasurement => ({ kind: 'check', name: 'check λ=1', label: r.label, seed: r.seed, file: join(relDir, 'check.json'), reused, seconds });
  if (old && old.testImages === o.testImages && old.source === source) return { report: old, measurement: m(true, 0) };
  const report = await runCheck(dir, { lambdas: [1], lambdaThs: [0], limit: o.testImages, out, ...(source ? { source } : {}), backend: o.backend, dataDir: o.dataDir, download: o.download, verify: o.verify, quiet: o.quiet });
  return { report, measurement: m(false, (performance.now() - t0) / 1000) };
}
