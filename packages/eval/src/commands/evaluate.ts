import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { batches } from '@floatjs/datasets';
import { redrawnAccuracy, type AutoAttackState, type LpNorm } from '@floatjs/attacks';
import { conditionKey, Rng, type LogitsFn } from '@floatjs/engine';
import { loadWeights, writeFileAtomic } from '@floatjs/checkpoint';
import { selectBackend, type BackendChoice } from '@floatjs/backend';
import type { Dataset } from '@floatjs/datasets';
import { backendLine, backendRecord, type BackendRecord } from '../report/backend-record';
import { attackLabel, craft, parseAttack, type AutoAttackSummary, type Crafted, type ParsedAttack } from '../attack/eval-attack';
import { autoAttackPart, combineParts, parseShard, shardRange, shardReportName, type EvalPart, type ShardRecord } from './shard';
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
  /**
   * `i/n`: evaluate only the i-th of n slices (1-based) of the test set, whole global batches of `batchSize`;
   * the report (default `<dir>/eval.shard-<i>-of-<n>.json`) holds what `float merge` needs to rebuild the
   * unsharded report from all n.
   */
  shard?: string;
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
  /**
   * The row's counts per global batch of `batchSize` points, in point order: per draw the points right
   * clean and robust, AutoAttack's per-point verdicts. The figures above are computed from them, so the
   * parts of every shard give the unsharded row (`float merge`).
   */
  parts?: EvalPart[];
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
  /** Every option the numbers depend on (attack spec, seed, batch size, EOT, draws, λ lists, limit …). */
  evaluation?: EvalSettings;
  /** A shard's slice of the test set (`--shard i/n`); absent for a whole (or merged) evaluation. */
  shard?: ShardRecord;
  /** Set by `float merge`: the shard reports this report was combined from. */
  merged?: { files: string[]; count: number };
  rows: EvalRow[];
  seconds: number;
  /** Versions, git commit, weights sha256, date, seed, command line. */
  provenance?: Provenance;
}

const DEFAULT_DRAWS = 3;

/** A transfer attack's source: another checkpoint, bound to the condition that matches the target's λ. */
export function sourceModel(dir: string, lambda: number | null, eot: number): { logitsFn: LogitsFn; logitsFnAt(start: number): LogitsFn; eot: number; dispose(): void; label: string } {
  const recipe = loadRecipe(dir);
  const model = buildModel(recipe);
  loadWeights(dir, model);
  const settings = getMethod(recipe.method).settings(lambda === null ? [1] : [lambda], [0], recipe.methodOptions);
  const s = settings.find((x) => x.lambda === lambda) ?? settings[0];
  const key = `transfer:${conditionKey(s.cond)}`;
  return {
    logitsFn: model.logitsFn(s.cond, Rng.derive(recipe.seed, key)),
    // Per global batch (keyed by its first point), so a randomized source draws the same noise in every sharding.
    logitsFnAt: (start) => model.logitsFn(s.cond, Rng.derive(recipe.seed, `${key}@${start}`)),
    eot: s.randomized ? eot : 1,
    dispose: () => model.dispose(),
    label: `${recipe.method}@${s.lambda ?? '-'}`,
  };
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
  const reportFile = refuseExistingReport(opts, join(dir, opts.shard === undefined ? 'eval.json' : shardReportName(parseShard(opts.shard))));
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

/** What a report records of how it was made: every option its numbers depend on (merge checks they agree). */
export interface EvalSettings {
  attack: string;
  spec: PgdSpec;
  norm: LpNorm;
  seed: number;
  batchSize: number;
  /** EOT of randomized conditions, and whether it was given (autoattack-rand keeps its own 20 otherwise). */
  eot: number;
  eotExplicit: boolean;
  draws: number;
  aaIter: number | null;
  aaQueries: number | null;
  lambdas: number[];
  lambdaThs: number[];
  limit: number | null;
  allowDeterministic: boolean;
  testImages: number;
}

/** The fields of a row that the parts do not determine. */
type RowMeta = Pick<EvalRow, 'lambda' | 'lambdaTh' | 'norm' | 'lambdaN' | 'width' | 'draws' | 'attack' | 'randomized' | 'eot'>;

/**
 * A row from its condition and its per-batch parts (in point order): what `float eval` reports and what
 * `float merge` recomputes from the parts of every shard, so a merged row is the unsharded one.
 */
export function rowFromParts(meta: RowMeta, parts: EvalPart[], settings: Pick<EvalSettings, 'spec' | 'eot'>): EvalRow {
  const combined = combineParts(parts);
  const paired = combined.robust.length > 1;
  const pgdEot = Math.max(HEADLINE_MIN_EOT, meta.randomized ? settings.eot : 1);
  const aa = combined.autoattack;
  const head = headlineRobustness({
    attack: meta.attack,
    eot: meta.eot,
    drawn: combined.robust[0],
    singleDraw: aa?.keptCandidates ? aa.robustAccuracy : undefined,
    companion: paired ? { attack: `pgd-${settings.spec.steps}`, eot: pgdEot, drawn: combined.robust[1] } : undefined,
  });
  const { caDraws: _c, ...clean } = combined.clean;
  const { raDraws: _r, ...robust } = head.robust;
  return {
    ...meta,
    ...clean,
    ...robust,
    headline: head.headline,
    ...(head.verdicts ? { verdicts: head.verdicts } : {}),
    ...(aa ? { autoattack: aa } : {}),
    parts,
    seconds: parts.reduce((a, p) => a + p.seconds, 0),
  };
}

const STATE_FORMAT = 'floatjs-eval-state/1';

/** The resumable state of an evaluation beside its report: `eval.json` → `eval.state.json`. */
export function evalStateFile(reportFile: string): string {
  return `${reportFile.replace(/\.json$/, '')}.state.json`;
}

interface EvalState {
  format: typeof STATE_FORMAT;
  fingerprint: unknown;
  /** Per condition key, the parts (whole global batches) finished so far. */
  conditions: Record<string, EvalPart[]>;
  /**
   * Per condition key, AutoAttack's own state in the batch being evaluated (after each of its attacks), on
   * deterministic conditions only: there resuming mid-batch gives the same verdicts, while a randomized one's
   * noise stream would differ (it restarts at the batch).
   */
  autoattack?: Record<string, { start: number; state: AutoAttackState }>;
}

function loadState(file: string, fingerprint: unknown, keepExisting: boolean): EvalState | undefined {
  if (!existsSync(file)) return undefined;
  let state: EvalState | undefined;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as EvalState;
  } catch {
    state = undefined;
  }
  if (state?.format === STATE_FORMAT && JSON.stringify(state.fingerprint) === JSON.stringify(fingerprint) && typeof state.conditions === 'object') return state;
  if (keepExisting) throw new Error(`${file}: holds an interrupted evaluation with other options, checkpoint or shard; run that command again to resume it, or pass --force to start afresh`);
  return undefined;
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

  const eps = opts.eps ?? preset.eval.attack.eps;
  const steps = opts.steps ?? preset.eval.attack.steps;
  // A changed ε or K keeps the preset's relation step = 2.5ε/K (Madry et al.); otherwise the preset's exact spec.
  const spec: PgdSpec = opts.eps === undefined && opts.steps === undefined ? { ...preset.eval.attack } : { ...preset.eval.attack, eps, steps, stepSize: (2.5 * eps) / steps };
  const seed = opts.seed ?? target.seed;
  const batchSize = opts.batchSize ?? preset.eval.batchSize;
  const eotRandomized = opts.eot ?? preset.eval.eot;
  const label = attackLabel(attack, spec, norm);
  let shard: ShardRecord | undefined;
  try {
    shard = opts.shard === undefined ? undefined : shardRange(test.n, batchSize, parseShard(opts.shard));
  } catch (err) {
    target.dispose();
    throw err;
  }
  const range = shard ?? { start: 0, end: test.n };
  const slice = sliceDataset(test, range.start, range.end);
  const [x, y] = toTensors(slice);
  const lambdas = opts.lambdas ?? preset.eval.lambdas;
  const lambdaThs = opts.lambdaThs ?? preset.eval.lambdaThs;
  const evaluation: EvalSettings = {
    attack: label,
    spec,
    norm,
    seed,
    batchSize,
    eot: eotRandomized,
    eotExplicit: opts.eot !== undefined,
    draws: opts.draws ?? DEFAULT_DRAWS,
    aaIter: opts.aaIter ?? null,
    aaQueries: opts.aaQueries ?? null,
    lambdas,
    lambdaThs,
    limit: opts.limit ?? null,
    allowDeterministic: opts.allowDeterministic === true,
    testImages: test.n,
  };
  let settings: EvalSetting[];
  try {
    target.prepare?.(x, slice);
    settings = target.settings(lambdas, lambdaThs);
    // Every condition is checked before the first attack starts, so a refusal never comes after hours of attacks.
    for (const s of settings) refuseOverstatingAttack(s, attack, s.randomized ? eotRandomized : 1, opts.allowDeterministic === true);
  } catch (err) {
    tf.dispose([x, y]);
    target.dispose();
    throw err;
  }
  // An interrupted run of the same evaluation (options, weights, shard) continues after its last finished batch.
  const stateFile = reportFile === '-' ? undefined : evalStateFile(reportFile);
  const fingerprint = { checkpoint: target.checkpoint, weightsSha256: target.weightsSha256, attack, evaluation, shard: shard ?? null };
  let state: EvalState;
  try {
    state = (stateFile && loadState(stateFile, fingerprint, opts.keepExisting === true)) || { format: STATE_FORMAT, fingerprint, conditions: {} };
  } catch (err) {
    tf.dispose([x, y]);
    target.dispose();
    throw err;
  }
  const resumed = Object.values(state.conditions).reduce((a, p) => a + p.length, 0);
  if (resumed > 0) progress.log('resume', { state: stateFile, batches: resumed }, `resuming ${stateFile}: ${resumed} finished batch${resumed === 1 ? '' : 'es'} kept`);
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
      // The probe has its own stream, so the batches' streams do not depend on it.
      const probeFn = target.logitsFn(s, Rng.derive(seed, `eval:${key}:probe`));
      const probe = tf.slice(x, 0, Math.min(8, x.shape[0]));
      const measuredRandom = detectRandomness(probeFn, probe);
      probe.dispose();
      if (measuredRandom !== s.randomized) {
        throw new Error(`condition λ=${s.lambda} λ_th=${s.lambdaTh}: the method says randomized=${s.randomized}, but two forwards ${measuredRandom ? 'differ' : 'agree'}; refusing to report it`);
      }
      const eot = s.randomized ? eotRandomized : 1;
      const sf = s.cond.width !== 1 ? ` SF=${s.cond.width}` : '';
      const name = s.lambda === null ? `model${sf}` : `λ=${s.lambda} λ_th=${s.lambdaTh}${sf}`;
      progress.log('condition', { index: i + 1, of: settings.length, lambda: s.lambda, lambdaTh: s.lambdaTh, attack: label }, `attacking ${name} with ${label} (${i + 1}/${settings.length}) …`);
      const source = attack.kind === 'transfer' ? sourceModel(attack.sourceDir, s.lambda, eotRandomized) : undefined;
      const draws = s.randomized ? evaluation.draws : 1;
      const parts: EvalPart[] = (state.conditions[key] ??= []);
      try {
        let start = parts.length > 0 ? parts[parts.length - 1].start + parts[parts.length - 1].size : range.start;
        for (; start < range.end; start += batchSize) {
          const size = Math.min(batchSize, range.end - start);
          const saved = state.autoattack?.[key];
          const resumeAutoAttack = stateFile !== undefined && attack.kind === 'autoattack' && !s.randomized;
          const aa = resumeAutoAttack
            ? {
                state: saved?.start === start ? saved.state : undefined,
                onAttackDone: (st: AutoAttackState) => {
                  (state.autoattack ??= {})[key] = { start, state: st };
                  writeFileAtomic(stateFile, JSON.stringify(state));
                },
              }
            : undefined;
          parts.push(await evaluateBatch(target, s, { attack, x, y, offset: start - range.start, start, size, spec, norm, eot, draws, seed, key, evaluation, source, progress, aa }));
          if (state.autoattack) delete state.autoattack[key];
          if (stateFile) writeFileAtomic(stateFile, JSON.stringify(state));
        }
      } finally {
        source?.dispose();
      }
      const aaEot = attack.kind === 'autoattack' && attack.version === 'rand' && !opts.eot && s.randomized ? 20 : eot;
      const meta: RowMeta = { lambda: s.lambda, lambdaTh: s.lambdaTh, norm: s.cond.norm, lambdaN: s.cond.lambdaN, width: s.cond.width, draws, attack: label, randomized: s.randomized, eot: aaEot };
      const row = rowFromParts(meta, parts, evaluation);
      done.set(key, row);
      rows.push(row);
      const pm = (v: number, sd: number) => (draws > 1 ? `${v.toFixed(1)} ± ${sd.toFixed(1)}%` : `${v.toFixed(1)}%`);
      const by = row.headline !== label ? ` by ${row.headline}` : '';
      progress.log('result', { ...row, autoattack: undefined, parts: undefined }, `${name}: CA ${pm(row.ca, row.caStd)}  RA ${pm(row.ra, row.raStd)}${by}  (${row.seconds.toFixed(0)} s${draws > 1 ? `, ${draws} draws` : ''})`);
      if (row.verdicts) progress.log('verdicts', { verdicts: row.verdicts }, `  ${row.verdicts.summary}`);
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
    evaluation,
    ...(shard ? { shard } : {}),
    rows,
    seconds: (performance.now() - t0) / 1000,
    provenance: provenance({ seed, weightsSha256: target.weightsSha256 }),
  };
  // `--json -`: the report goes to standard output (the CLI then prints nothing else there).
  if (reportFile === '-') process.stdout.write(`${JSON.stringify(report)}\n`);
  else writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  if (stateFile) rmSync(stateFile, { force: true });
  return report;
}

/**
 * One condition on one global batch: attack, companion and the re-drawn verdicts, all drawing their noise and
 * seeds from a stream keyed by the condition and the batch's first point, so the batch's result is the same
 * whichever shard (or unsharded run) evaluates it.
 */
async function evaluateBatch(
  target: EvalTarget,
  s: EvalSetting,
  b: {
    attack: ParsedAttack;
    x: tf.Tensor4D;
    y: tf.Tensor1D;
    offset: number;
    start: number;
    size: number;
    spec: PgdSpec;
    norm: LpNorm;
    eot: number;
    draws: number;
    seed: number;
    key: string;
    evaluation: EvalSettings;
    source?: ReturnType<typeof sourceModel>;
    progress: Progress;
    /** AutoAttack's state to resume from in this batch, and where each attack's state goes. */
    aa?: { state?: AutoAttackState; onAttackDone: (state: AutoAttackState) => void };
  },
): Promise<EvalPart> {
  const t1 = performance.now();
  const { attack, spec, norm, eot, evaluation } = b;
  const rng = Rng.derive(b.seed, `eval:${b.key}@${b.start}`);
  const logitsFn = target.logitsFn(s, rng);
  const xb = tf.slice(b.x, [b.offset, 0, 0, 0], [b.size, -1, -1, -1]);
  const yb = tf.slice(b.y, [b.offset], [b.size]);
  let crafted: Crafted | undefined;
  let companion: Crafted | undefined;
  try {
    const context = {
      logitsFn,
      x: xb,
      y: yb,
      spec,
      norm,
      eot,
      eotExplicit: evaluation.eotExplicit,
      randomized: s.randomized,
      nextSeed: () => rng.nextSeed(),
      batchSize: b.size,
      aaIter: evaluation.aaIter ?? undefined,
      aaQueries: evaluation.aaQueries ?? undefined,
      source: b.source && { logitsFn: b.source.logitsFnAt(b.start), eot: b.source.eot },
      log: (line: string) => b.progress.log('autoattack', { start: b.start, line }, `  [${b.start}, ${b.start + b.size}) ${line}`),
      ...(b.aa?.state ? { autoattackState: b.aa.state } : {}),
      ...(b.aa ? { onAttackDone: b.aa.onAttackDone } : {}),
    };
    crafted = await craft(attack, context);
    // Randomized conditions under autoattack-rand: the headline is the lower of it and PGD with EOT ≥ 10.
    const paired = s.randomized && attack.kind === 'autoattack' && attack.version === 'rand';
    if (paired) companion = await craft({ kind: 'pgd' }, { ...context, eot: Math.max(HEADLINE_MIN_EOT, eot) });
    const groups = [crafted.candidates ?? [crafted.xAdv], ...(companion ? [[companion.xAdv]] : [])];
    const drawn = await redrawnAccuracy(logitsFn, xb, yb, groups, { draws: b.draws, batchSize: b.size });
    return {
      start: b.start,
      size: b.size,
      clean: drawn.clean.counts,
      robust: drawn.robust.map((g) => g.counts),
      ...(crafted.autoattackReport ? { autoattack: autoAttackPart(crafted.autoattackReport) } : {}),
      seconds: (performance.now() - t1) / 1000,
    };
  } finally {
    const owned: Array<tf.Tensor | undefined> = [xb, yb, crafted?.xAdv, ...(crafted?.candidates ?? []), companion?.xAdv];
    tf.dispose(owned.filter((t): t is tf.Tensor => t !== undefined));
  }
}

/** Points [start, end) of a dataset (views, no copies). */
function sliceDataset(ds: Dataset, start: number, end: number): Dataset {
  if (start === 0 && end === ds.n) return ds;
  const pixels = ds.height * ds.width * ds.channels;
  return { ...ds, n: end - start, images: ds.images.subarray(start * pixels, end * pixels), labels: ds.labels.subarray(start, end) };
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
