import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ConvInit } from '@floatjs/engine';
import { RECIPE_FILE, STATE_FILE, WEIGHTS_FILE } from '@floatjs/checkpoint';
import type { EvalReport } from '../commands/evaluate';
import type { PgdSpec } from '../recipes/presets';
import { recipeInit, type Recipe } from '../recipes/recipe';
import type { TrainSummary } from '../commands/train';

/** What a run directory must have been trained with for an experiment to reuse it. */
export interface ExpectedRun {
  method: string;
  methodOptions: Record<string, unknown>;
  preset: string;
  seed: number;
  epochs: number;
  /** Training images (`recipe.training.trainLimit`; null: the whole set); compared when given. */
  trainLimit?: number | null;
  /**
   * The weight initialisation the experiment trains with (`recipe.init`); compared when given. A recipe without
   * the field was written before it existed, when every conv started from He-normal.
   */
  init?: ConvInit;
}

/** The conv init every experiment trains with (runTrain's default), which a run must have to be reused. */
export const EXPERIMENT_INIT: ConvInit = 'pytorch';

export type TrainedRun = { state: 'done'; summary: TrainSummary } | { state: 'resumable' } | { state: 'fresh' };

const canonical = (o: Record<string, unknown>) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new Error(`${file}: not readable JSON (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Whether an experiment's run directory already holds this run: finished (summary written after the last
 * epoch), interrupted (a checkpoint to resume from), or nothing. A directory that holds a *different* run is
 * an error rather than something to overwrite, so that an experiment never destroys a user's model.
 */
export function trainedRun(dir: string, expected: ExpectedRun): TrainedRun {
  const recipeFile = join(dir, RECIPE_FILE);
  if (!existsSync(recipeFile)) return { state: 'fresh' };
  const r = readJson<Recipe>(recipeFile);
  const init = recipeInit(r);
  const got = { method: r.method, methodOptions: r.methodOptions ?? {}, preset: r.preset, seed: r.seed, epochs: r.training?.epochs, trainLimit: r.training?.trainLimit ?? null, init };
  const keys = (Object.keys(expected) as Array<keyof ExpectedRun>).filter((k) => expected[k] !== undefined);
  const diff = keys.filter((k) =>
    k === 'methodOptions' ? canonical(got.methodOptions) !== canonical(expected.methodOptions) : got[k] !== expected[k],
  );
  if (diff.length) {
    const show = (o: object) => diff.map((k) => `${k}=${JSON.stringify((o as Record<string, unknown>)[k])}`).join(', ');
    throw new Error(`${dir} holds a different run (${show(got)}; this experiment needs ${show(expected)}); choose another --out or remove the directory`);
  }
  const summaryFile = join(dir, 'summary.json');
  if (existsSync(summaryFile)) return { state: 'done', summary: readJson<TrainSummary>(summaryFile) };
  return existsSync(join(dir, STATE_FILE)) ? { state: 'resumable' } : { state: 'fresh' };
}

export interface ExpectedEval {
  attack: PgdSpec;
  backend: string;
  /** Test images the evaluation must have used, when known. */
  testImages?: number;
  /** Images per attacked batch (randomized conditions draw per batch); compared when the report records it. */
  batchSize?: number;
  /** Every (λ, λ_th) the evaluation must contain. */
  settings: Array<{ lambda: number | null; lambdaTh: number | null; width?: number }>;
}

/** The run's eval.json if it is newer than the weights and was made with the same attack, data and conditions. */
export function reusableEval(dir: string, expected: ExpectedEval): EvalReport | null {
  const evalFile = join(dir, 'eval.json');
  if (!existsSync(evalFile)) return null;
  if (statSync(evalFile).mtimeMs < statSync(join(dir, WEIGHTS_FILE)).mtimeMs) return null;
  const ev = readJson<EvalReport>(evalFile);
  const a = expected.attack;
  const sameAttack = ev.attack?.name === `pgd-${a.steps}` && ev.attack.eps === a.eps && ev.attack.steps === a.steps && ev.attack.stepSize === a.stepSize;
  if (!sameAttack || ev.backend?.name !== expected.backend) return null;
  if (expected.testImages !== undefined && ev.testImages !== expected.testImages) return null;
  if (expected.batchSize !== undefined && ev.evaluation?.batchSize !== undefined && ev.evaluation.batchSize !== expected.batchSize) return null;
  const have = new Set(ev.rows.map((r) => `${r.lambda}|${r.lambdaTh}|${r.width ?? 1}`));
  return expected.settings.every((s) => have.has(`${s.lambda}|${s.lambdaTh}|${s.width ?? 1}`)) ? ev : null;
}
