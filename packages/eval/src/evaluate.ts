import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { attackAccuracy, fgsm, pgd, type AttackFn } from '@floatjs/attacks';
import { batches } from '@floatjs/datasets';
import { conditionKey, loadWeights, Rng, selectBackend, writeFileAtomic, type BackendChoice } from '@floatjs/engine';
import { loadSplit, type DataOptions } from './data';
import { getMethod } from './methods';
import { detectRandomness } from './randomness';
import { getPreset, type PgdSpec } from './presets';
import { Progress } from './progress';
import { buildModel, loadRecipe } from './recipe';

export interface EvalOptions extends DataOptions {
  attack?: 'pgd' | 'fgsm';
  lambdas?: number[];
  lambdaThs?: number[];
  limit?: number;
  eot?: number;
  steps?: number;
  /** Accept a deterministic (EOT 1) attack on a condition that is measured to be randomized. */
  allowDeterministic?: boolean;
  backend?: string;
  json?: string;
  quiet?: boolean;
}

export interface EvalRow {
  lambda: number | null;
  lambdaTh: number | null;
  norm: string;
  lambdaN: number;
  width: number;
  /** Clean accuracy, percent. */
  ca: number;
  /** Robust accuracy under the attack, percent (a sample counts only if clean and adversarial are correct). */
  ra: number;
  /** The attack behind `ra`, e.g. `pgd-20`. */
  attack: string;
  randomized: boolean;
  /** Gradient draws per attack step (EOT); 1 for deterministic conditions. */
  eot: number;
  /** Set when this row configures the model exactly like an earlier one and reuses its result. */
  sameAs?: { lambda: number | null; lambdaTh: number | null };
  seconds: number;
}

export interface EvalReport {
  checkpoint: string;
  method: string;
  preset: string;
  dataset: string;
  testImages: number;
  backend: Pick<BackendChoice, 'name' | 'package'>;
  attack: { name: string } & Partial<PgdSpec>;
  rows: EvalRow[];
  seconds: number;
}

/** `float eval`: attacks every requested condition of a checkpoint exactly as it is deployed. */
export async function runEval(dir: string, opts: EvalOptions = {}): Promise<EvalReport> {
  const recipe = loadRecipe(dir);
  const preset = getPreset(recipe.preset);
  const method = getMethod(recipe.method);
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, package: backend.package }, `backend: ${backend.name} (${backend.package})`);
  const model = buildModel(recipe);
  loadWeights(dir, model);
  const test = await loadSplit(preset, 'test', opts, opts.limit);
  const [x, y] = toTensors(test);

  const attackName = opts.attack ?? 'pgd';
  const spec: PgdSpec = { ...preset.eval.attack, ...(opts.steps !== undefined ? { steps: opts.steps, stepSize: (2.5 * preset.eval.attack.eps) / opts.steps } : {}) };
  const eotRandomized = opts.eot ?? preset.eval.eot;
  const attackLabel = attackName === 'fgsm' ? 'fgsm' : `pgd-${spec.steps}`;
  const settings = method.settings(opts.lambdas ?? preset.eval.lambdas, opts.lambdaThs ?? preset.eval.lambdaThs);
  const t0 = performance.now();
  const done = new Map<string, EvalRow>();
  const rows: EvalRow[] = [];
  for (const [i, s] of settings.entries()) {
    const key = conditionKey(s.cond);
    const prior = done.get(key);
    if (prior) {
      rows.push({ ...prior, lambda: s.lambda, lambdaTh: s.lambdaTh, sameAs: { lambda: prior.lambda, lambdaTh: prior.lambdaTh }, seconds: 0 });
      continue;
    }
    const t1 = performance.now();
    const rng = Rng.derive(recipe.seed, `eval:${key}`);
    const logitsFn = model.logitsFn(s.cond, rng);
    const probe = tf.slice(x, 0, Math.min(8, x.shape[0]));
    const measuredRandom = detectRandomness(logitsFn, probe);
    probe.dispose();
    if (measuredRandom !== s.randomized) {
      throw new Error(`condition λ=${s.lambda} λ_th=${s.lambdaTh}: the method says randomized=${s.randomized}, but two forwards ${measuredRandom ? 'differ' : 'agree'}; refusing to report it`);
    }
    const eot = s.randomized ? eotRandomized : 1;
    if (s.randomized && eot === 1 && attackName !== 'fgsm' && !opts.allowDeterministic) {
      throw new Error(`--eot: condition λ=${s.lambda} λ_th=${s.lambdaTh} is randomized (noise on every forward), so a one-draw attack would overstate its robustness; use --eot 2 or more, or --allow-deterministic to report it anyway`);
    }
    const attackFn: AttackFn = (f, xb, yb) =>
      attackName === 'fgsm' ? fgsm(f, xb, yb, { eps: spec.eps }) : pgd(f, xb, yb, { ...spec, eot, seed: rng.nextSeed() });
    const label = s.lambda === null ? 'model' : `λ=${s.lambda} λ_th=${s.lambdaTh}`;
    progress.log('condition', { index: i + 1, of: settings.length, lambda: s.lambda, lambdaTh: s.lambdaTh }, `attacking ${label} (${i + 1}/${settings.length}) …`);
    const r = await attackAccuracy(attackFn, logitsFn, x, y, { batchSize: preset.eval.batchSize });
    const row: EvalRow = {
      lambda: s.lambda,
      lambdaTh: s.lambdaTh,
      norm: s.cond.norm,
      lambdaN: s.cond.lambdaN,
      width: s.cond.width,
      ca: r.ca,
      ra: r.ra,
      attack: attackLabel,
      randomized: s.randomized,
      eot,
      seconds: (performance.now() - t1) / 1000,
    };
    done.set(key, row);
    rows.push(row);
    progress.log('result', { ...row }, `${label}: CA ${row.ca.toFixed(1)}%  RA ${row.ra.toFixed(1)}%  (${row.seconds.toFixed(0)} s)`);
  }
  tf.dispose([x, y]);
  model.dispose();
  const report: EvalReport = {
    checkpoint: dir,
    method: recipe.method,
    preset: recipe.preset,
    dataset: recipe.dataset,
    testImages: test.n,
    backend: { name: backend.name, package: backend.package },
    attack: attackName === 'fgsm' ? { name: attackLabel, eps: spec.eps } : { name: attackLabel, ...spec },
    rows,
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(opts.json ?? join(dir, 'eval.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function toTensors(ds: { n: number; height: number; width: number; channels: number; images: Uint8Array; labels: Uint8Array }): [tf.Tensor4D, tf.Tensor1D] {
  const [b] = batches(ds, { batchSize: ds.n });
  return [tf.tensor4d(b.x, [b.size, ds.height, ds.width, ds.channels]), tf.tensor1d(b.y, 'int32')];
}
