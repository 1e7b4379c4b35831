import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { batches } from '@floatjs/datasets';
import type { LpNorm } from '@floatjs/attacks';
import { conditionKey, Rng, type LogitsFn } from '@floatjs/engine';
import { loadWeights, writeFileAtomic } from '@floatjs/checkpoint';
import { selectBackend, type BackendChoice } from '@floatjs/backend';
import type { Dataset } from '@floatjs/datasets';
import { backendLine, backendRecord, type BackendRecord } from '../report/backend-record';
import { drawGroups } from '../attack/draw-accuracy';
import { attackLabel, craft, parseAttack, type AutoAttackSummary, type Crafted, type ParsedAttack } from '../attack/eval-attack';
import { headlineRobustness, HEADLINE_MIN_EOT, type RobustVerdicts } from '../attack/headline';
import { loadSplit, type DataOptions } from '../recipes/data';
import { getMethod, type EvalSetting } from '../recipes/methods';
import { checkOptions, evalOptionsSchema } from '../recipes/option-schema';
import { detectRandomness } from '../attack/randomness';
import { getPreset, type PgdSpec, type Preset } from '../recipes/presets';
import { Progress } from '../report/progress';
import { loadMethodOf, loadRecipeMethod } from '../recipes/method-module';
import { provenance, type Provenance } from '../report/provenance';
import { buildModel, loadRecipe, type Recipe } from '../recipes/recipe';

export interface EvalOptions extends DataOptions {
  /** pgd (default), fgsm, apgd-ce, apgd-dlr, apgd-t, fab-t, square, autoattack-standard|plus|rand, transfer:DIR. */
  attack?: string;
  lambdas?: number[];
  lambdaThs?: number[];
  limit?: number;
  eot?: number;
  steps?: number;
  /** The budget ε (inputs in [0, 1]); default the preset's (an ℓ∞ one). PGD's step size stays 2.5ε/steps. */
  eps?: number;
  /** Threat model: `linf` (default) or `l2` (every attack in ℓ2; needs `eps`, since presets give ℓ∞ budgets). */
  norm?: 'linf' | 'l2';
  /** Seed of the attacks' random starts and of the forward noise; default the recipe's seed. */
  seed?: number;
  /** Images per attacked batch; default the preset's evaluation batch size. */
  batchSize?: number;
  /** Forward draws behind CA/RA of randomized conditions (mean ± std); default 3. Deterministic ones use 1. */
  draws?: number;
  /** AutoAttack: iterations of APGD/FAB and Square queries (defaults 100 / 5000), to run it small. */
  aaIter?: number;
  aaQueries?: number;
  /** Accept a deterministic (EOT 1) attack on a condition that is measured to be randomized. */
  allowDeterministic?: boolean;
  backend?: string;
  json?: string;
  /** Refuse (before evaluating) when the report file exists; the CLI sets it unless --force. */
  keepExisting?: boolean;
  quiet?: boolean;
}

export interface EvalRow {
  lambda: number | null;
  lambdaTh: number | null;
  norm: string;
  lambdaN: number;
  width: number;
  /** Clean accuracy, percent: the mean over `draws` forwards. */
  ca: number;
  /** Robust accuracy, percent (a sample counts only if clean and adversarial are correct in the same draw). */
  ra: number;
  /** Standard deviation over the draws, percentage points (0 for deterministic conditions). */
  caStd: number;
  raStd: number;
  /** Forward draws behind ca/ra. */
  draws: number;
  /** The attack asked for, e.g. `pgd-20`; `headline` names the one whose verdict `ra` is. */
  attack: string;
  /**
   * The attack whose re-drawn verdict is `ra`: `attack` itself, except on randomized conditions evaluated with
   * autoattack-rand, where `ra` is the lower of autoattack-rand and PGD with EOT ≥ 10 (e.g. `pgd-20 EOT 10`).
   */
  headline?: string;
  /** AutoAttack on a randomized condition: its own single-draw verdict beside every re-drawn one. */
  verdicts?: RobustVerdicts;
  randomized: boolean;
  /** Gradient draws per attack step (EOT); 1 for deterministic conditions. */
  eot: number;
  /** AutoAttack runs: the per-attack log, robust accuracy after each attack, and its sanity checks. */
  autoattack?: AutoAttackSummary;
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
  backend: BackendRecord;
  /** The attack; `norm: 'L2'` for the ℓ2 threat model (absent: ℓ∞). */
  attack: { name: string; source?: string; norm?: LpNorm } & Partial<PgdSpec>;
  rows: EvalRow[];
  seconds: number;
  /** Versions, git commit, weights sha256, date, seed, command line. */
  provenance?: Provenance;
}

const DEFAULT_DRAWS = 3;

/** A transfer attack's source: another checkpoint, bound to the condition that matches the target's λ. */
export function sourceModel(dir: string, lambda: number | null, eot: number): { logitsFn: LogitsFn; eot: number; dispose(): void; label: string } {
  const recipe = loadRecipe(dir);
  const model = buildModel(recipe);
  loadWeights(dir, model);
  const settings = getMethod(recipe.method).settings(lambda === null ? [1] : [lambda], [0], recipe.methodOptions);
  const s = settings.find((x) => x.lambda === lambda) ?? settings[0];
  return { logitsFn: model.logitsFn(s.cond, Rng.derive(recipe.seed, `transfer:${conditionKey(s.cond)}`)), eot: s.randomized ? eot : 1, dispose: () => model.dispose(), label: `${recipe.method}@${s.lambda ?? '-'}` };
}

/** Refuses an attack that would overstate a randomized condition's robustness (unless told to report it anyway). */
function refuseOverstatingAttack(s: EvalSetting, attack: ParsedAttack, eot: number, allowDeterministic: boolean): void {
  if (!s.randomized || allowDeterministic) return;
  const sf = s.cond.width !== 1 ? ` SF=${s.cond.width}` : '';
  const where = `condition λ=${s.lambda} λ_th=${s.lambdaTh}${sf} is randomized (noise on every forward)`;
  if ((attack.kind === 'pgd' || attack.kind === 'transfer') && eot === 1) {
    throw new Error(`--eot: ${where}, so a one-draw attack would overstate its robustness; use --eot 2 or more, or --allow-deterministic to report it anyway`);
  }
  if (attack.kind === 'autoattack' && (attack.version === 'standard' || attack.version === 'plus')) {
    throw new Error(`--attack: ${where}; AutoAttack's ${attack.version} version assumes a deterministic model — use --attack autoattack-rand (EOT), or --allow-deterministic to report it anyway`);
  }
}

/** What `float eval` attacks: a checkpoint's model at each of its settings, or a user's own tfjs model. */
export interface EvalTarget {
  /** The checkpoint directory or the model file, as the report names it. */
  checkpoint: string;
  method: string;
  preset: Preset;
  dataset: string;
  /** The seed attacks and forward noise derive from unless `--seed` is given. */
  seed: number;
  weightsSha256: string;
  /** Checks the model against the test images (shape, classes) before any condition is listed. */
  prepare?(x: tf.Tensor4D, test: Dataset): void;
  /** The conditions to attack, given the requested λ and λ_th lists. */
  settings(lambdas: number[], lambdaThs: number[]): EvalSetting[];
  /** The logits function of one setting, drawing its noise from `rng`. */
  logitsFn(s: EvalSetting, rng: Rng): LogitsFn;
  dispose(): void;
}

/** `float eval`: attacks every requested condition of a checkpoint exactly as it is deployed. */
export async function runEval(dir: string, opts: EvalOptions = {}): Promise<EvalReport> {
  checkOptions('runEval', evalOptionsSchema, opts);
  const reportFile = refuseExistingReport(opts, join(dir, 'eval.json'));
  const recipe = loadRecipe(dir);
  await loadRecipeMethod(recipe, dir);
  const preset = getPreset(recipe.preset);
  // An unknown preset or method is refused before the backend starts.
  getMethod(recipe.method);
  const attack = parseAttack(opts.attack ?? 'pgd');
  const norm = threatModel(opts, attack);
  if (attack.kind === 'transfer') await loadMethodOf(attack.sourceDir);
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, ...backendRecord(backend) }, backendLine(backend));
  return evaluateTarget(checkpointTarget(dir, recipe, preset), opts, { attack, norm, progress, backend, reportFile });
}

/**
 * A checkpoint's model as eval and check attack it, built on the selected backend with its weights loaded:
 * the method's settings, each with its condition. The model is freed if the weights do not load.
 */
export function checkpointTarget(dir: string, recipe: Recipe, preset: Preset): EvalTarget {
  const method = getMethod(recipe.method);
  const model = buildModel(recipe);
  let weightsSha256: string;
  try {
    ({ sha256: weightsSha256 } = loadWeights(dir, model));
  } catch (err) {
    model.dispose();
    throw err;
  }
  return {
    checkpoint: dir,
    method: recipe.method,
    preset,
    dataset: recipe.dataset,
    seed: recipe.seed,
    weightsSha256,
    settings: (lambdas, lambdaThs) => method.settings(lambdas, lambdaThs, recipe.methodOptions),
    logitsFn: (s, rng) => model.logitsFn(s.cond, rng),
    dispose: () => model.dispose(),
  };
}

/** The report file of a run (`--json`, else `fallback`); refused when it exists and `keepExisting` is set. */
export function refuseExistingReport(opts: Pick<EvalOptions, 'json' | 'keepExisting'>, fallback: string): string {
  const reportFile = opts.json ?? fallback;
  if (opts.keepExisting && reportFile !== '-' && existsSync(reportFile)) {
    throw new Error(`${reportFile}: an earlier report is there; pass --force to replace it, or --json FILE to write this one elsewhere`);
  }
  return reportFile;
}

/** Attacks every setting of `target` and writes the report; disposes the target's model at the end. */
export async function evaluateTarget(
  target: EvalTarget,
  opts: EvalOptions,
  run: { attack: ParsedAttack; norm: LpNorm; progress: Progress; backend: BackendChoice; reportFile: string },
): Promise<EvalReport> {
  const { attack, norm, progress, backend, reportFile } = run;
  const { preset } = target;
  let test: Dataset;
  try {
    test = await loadSplit(preset, 'test', opts, opts.limit);
  } catch (err) {
    target.dispose();
    throw err;
  }
  const [x, y] = toTensors(test);

  const eps = opts.eps ?? preset.eval.attack.eps;
  const steps = opts.steps ?? preset.eval.attack.steps;
  // A changed ε or K keeps the preset's relation step = 2.5ε/K (Madry et al.); otherwise the preset's exact spec.
  const spec: PgdSpec = opts.eps === undefined && opts.steps === undefined ? { ...preset.eval.attack } : { ...preset.eval.attack, eps, steps, stepSize: (2.5 * eps) / steps };
  const seed = opts.seed ?? target.seed;
  const batchSize = opts.batchSize ?? preset.eval.batchSize;
  const eotRandomized = opts.eot ?? preset.eval.eot;
  const label = attackLabel(attack, spec, norm);
  let settings: EvalSetting[];
  try {
    target.prepare?.(x, test);
    settings = target.settings(opts.lambdas ?? preset.eval.lambdas, opts.lambdaThs ?? preset.eval.lambdaThs);
    // Every condition is checked before the first attack starts, so a refusal never comes after hours of attacks.
    for (const s of settings) refuseOverstatingAttack(s, attack, s.randomized ? eotRandomized : 1, opts.allowDeterministic === true);
  } catch (err) {
    tf.dispose([x, y]);
    target.dispose();
    throw err;
  }
  const t0 = performance.now();
  const done = new Map<string, EvalRow>();
  const rows: EvalRow[] = [];
  try {
    for (const [i, s] of settings.entries()) {
      const key = conditionKey(s.cond);
      const prior = done.get(key);
      if (prior) {
        rows.push({ ...prior, lambda: s.lambda, lambdaTh: s.lambdaTh, sameAs: { lambda: prior.lambda, lambdaTh: prior.lambdaTh }, seconds: 0 });
        continue;
      }
      const t1 = performance.now();
      const rng = Rng.derive(seed, `eval:${key}`);
      const logitsFn = target.logitsFn(s, rng);
      const probe = tf.slice(x, 0, Math.min(8, x.shape[0]));
      const measuredRandom = detectRandomness(logitsFn, probe);
      probe.dispose();
      if (measuredRandom !== s.randomized) {
        throw new Error(`condition λ=${s.lambda} λ_th=${s.lambdaTh}: the method says randomized=${s.randomized}, but two forwards ${measuredRandom ? 'differ' : 'agree'}; refusing to report it`);
      }
      const eot = s.randomized ? eotRandomized : 1;
      const sf = s.cond.width !== 1 ? ` SF=${s.cond.width}` : '';
      const name = s.lambda === null ? `model${sf}` : `λ=${s.lambda} λ_th=${s.lambdaTh}${sf}`;
      progress.log('condition', { index: i + 1, of: settings.length, lambda: s.lambda, lambdaTh: s.lambdaTh, attack: label }, `attacking ${name} with ${label} (${i + 1}/${settings.length}) …`);
      const source = attack.kind === 'transfer' ? sourceModel(attack.sourceDir, s.lambda, eotRandomized) : undefined;
      let crafted: Crafted | undefined;
      let companion: Crafted | undefined;
      try {
        const context = {
          logitsFn,
          x,
          y,
          spec,
          norm,
          eot,
          eotExplicit: opts.eot !== undefined,
          randomized: s.randomized,
          nextSeed: () => rng.nextSeed(),
          batchSize,
          aaIter: opts.aaIter,
          aaQueries: opts.aaQueries,
          source,
          log: (line: string) => progress.log('autoattack', { line }, `  ${line}`),
        };
        crafted = await craft(attack, context);
        // Randomized conditions under autoattack-rand: the headline is the lower of it and PGD with EOT ≥ 10.
        const paired = s.randomized && attack.kind === 'autoattack' && attack.version === 'rand';
        const pgdEot = Math.max(HEADLINE_MIN_EOT, eot);
        if (paired) {
          progress.log('condition', { companion: `pgd-${spec.steps}`, eot: pgdEot }, `  pgd-${spec.steps} with EOT ${pgdEot} on the same points, for the headline …`);
          companion = await craft({ kind: 'pgd' }, { ...context, eot: pgdEot });
        }
        const draws = s.randomized ? (opts.draws ?? DEFAULT_DRAWS) : 1;
        const groups = [crafted.candidates ?? [crafted.xAdv], ...(companion ? [[companion.xAdv]] : [])];
        const drawn = await drawGroups(logitsFn, x, y, groups, draws, batchSize);
        const aaEot = attack.kind === 'autoattack' && attack.version === 'rand' && !opts.eot && s.randomized ? 20 : eot;
        const head = headlineRobustness({
          attack: label,
          eot: aaEot,
          drawn: drawn.robust[0],
          singleDraw: crafted.candidates ? crafted.autoattack?.robustAccuracy : undefined,
          companion: companion ? { attack: `pgd-${spec.steps}`, eot: pgdEot, drawn: drawn.robust[1] } : undefined,
        });
        const acc = { ...drawn.clean, ...head.robust };
        const row: EvalRow = {
          lambda: s.lambda,
          lambdaTh: s.lambdaTh,
          norm: s.cond.norm,
          lambdaN: s.cond.lambdaN,
          width: s.cond.width,
          ca: acc.ca,
          ra: acc.ra,
          caStd: acc.caStd,
          raStd: acc.raStd,
          draws,
          attack: label,
          randomized: s.randomized,
          eot: aaEot,
          headline: head.headline,
          ...(head.verdicts ? { verdicts: head.verdicts } : {}),
          ...(crafted.autoattack ? { autoattack: crafted.autoattack } : {}),
          seconds: (performance.now() - t1) / 1000,
        };
        done.set(key, row);
        rows.push(row);
        const pm = (v: number, sd: number) => (draws > 1 ? `${v.toFixed(1)} ± ${sd.toFixed(1)}%` : `${v.toFixed(1)}%`);
        const by = row.headline !== label ? ` by ${row.headline}` : '';
        progress.log('result', { ...row, autoattack: undefined }, `${name}: CA ${pm(row.ca, row.caStd)}  RA ${pm(row.ra, row.raStd)}${by}  (${row.seconds.toFixed(0)} s${draws > 1 ? `, ${draws} draws` : ''})`);
        if (row.verdicts) progress.log('verdicts', { verdicts: row.verdicts }, `  ${row.verdicts.summary}`);
      } finally {
        tf.dispose([crafted?.xAdv, ...(crafted?.candidates ?? []), companion?.xAdv].filter((t): t is tf.Tensor4D => t !== undefined));
        source?.dispose();
      }
    }
  } finally {
    tf.dispose([x, y]);
    target.dispose();
  }
  const report: EvalReport = {
    checkpoint: target.checkpoint,
    method: target.method,
    preset: preset.name,
    dataset: target.dataset,
    testImages: test.n,
    backend: backendRecord(backend),
    attack: {
      ...(attack.kind === 'fgsm' || attack.kind === 'autoattack' ? { name: label, eps: spec.eps } : { name: label, ...spec, ...(attack.kind === 'transfer' ? { source: attack.sourceDir } : {}) }),
      ...(norm === 'L2' ? { norm } : {}),
    },
    rows,
    seconds: (performance.now() - t0) / 1000,
    provenance: provenance({ seed, weightsSha256: target.weightsSha256 }),
  };
  // `--json -`: the report goes to standard output (the CLI then prints nothing else there).
  if (reportFile === '-') process.stdout.write(`${JSON.stringify(report)}\n`);
  else writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** `--norm` as the attacks spell it, refused where it cannot apply (checked before the backend starts). */
export function threatModel(opts: EvalOptions, attack: ParsedAttack): LpNorm {
  if (opts.norm === undefined || opts.norm === 'linf') {
    if (opts.eps !== undefined && opts.eps > 1) throw new Error(`--eps: expected a number in [0, 1] for the ℓ∞ threat model (inputs in [0, 1]), got ${opts.eps}; for an ℓ2 budget add --norm l2`);
    return 'Linf';
  }
  if (opts.eps === undefined) throw new Error("--eps: --norm l2 needs an ℓ2 budget (the preset's ε is an ℓ∞ one), e.g. --eps 1.5 for 28×28 images");
  if (attack.kind === 'fgsm') throw new Error('--attack: fgsm is an ℓ∞ attack; with --norm l2 use --attack pgd --steps 1 (one normalized gradient step) or another attack');
  return 'L2';
}

function toTensors(ds: { n: number; height: number; width: number; channels: number; images: Uint8Array; labels: Uint8Array }): [tf.Tensor4D, tf.Tensor1D] {
  const [b] = batches(ds, { batchSize: ds.n });
  return [tf.tensor4d(b.x, [b.size, ds.height, ds.width, ds.channels]), tf.tensor1d(b.y, 'int32')];
}
