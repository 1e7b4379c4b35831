import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DivergenceError, firstNonFinite, Trainer, type ConvInit, type TrainerHooks } from '@floatjs/engine';
import { findTrainingCheckpoint, loadTrainingCheckpoint, RECIPE_FILE, restoreTrainingCheckpoint, saveTrainingCheckpoint, tidyForResume, WEIGHTS_FILE, writeFileAtomic } from '@floatjs/checkpoint';
import { selectBackend } from '@floatjs/backend';
import { provenance, sha256File, type Provenance } from '../report/provenance';
import { backendLine, backendRecord, type BackendRecord } from '../report/backend-record';
import { pgdAdversary } from '../attack/adversary';
import { loadTrainData, type DataOptions } from '../recipes/data';
import { churnField, churnText } from '../run-safety/mask-churn-log';
import { isMethodPath, loadMethodModule, loadRecipeMethod } from '../recipes/method-module';
import { getMethod } from '../recipes/methods';
import { checkOptions, trainOptionsSchema } from '../recipes/option-schema';
import { getPreset } from '../recipes/presets';
import { Progress } from '../report/progress';
import { buildModel, loadRecipe, recipeInit, type Recipe } from '../recipes/recipe';
import { claimRunDir, dropTornLastLine } from '../run-safety/run-dir';
import { loggedRollbacks, MAX_ROLLBACKS, stopReason, type DivergencePolicy, type RollbackRecord } from '../run-safety/rollback';
import { trainLogEvents } from '../run-safety/train-log';

export interface TrainOptions extends DataOptions {
  preset?: string;
  method?: string;
  out: string;
  /** Continue the run in `out` from its last complete checkpoint; preset, method, seed and epochs come from its recipe. */
  resume?: boolean;
  /** `out` holds a run and this is not a resume: move that run aside to `out.old-<time>` instead of refusing. */
  force?: boolean;
  seed?: number;
  /** Conv kernel init of a new run: `pytorch` (default, U(±1/√fan_in)) or `he-normal`; a resumed run keeps its recipe's. */
  init?: ConvInit;
  epochs?: number;
  /** Train on the first n images (Tiny-ImageNet, ImageNet-100: n balanced over classes) instead of the preset's trainLimit. */
  trainLimit?: number;
  /** Override the preset's batch size. */
  batchSize?: number;
  backend?: string;
  /** λ of the pgd-at loss mix. */
  lambda?: number;
  /** The method's options, recorded in the recipe (e.g. OAT's λ set `{ lambdas }`); `lambda` is merged in. */
  methodOptions?: Record<string, unknown>;
  quiet?: boolean;
  /**
   * On a non-finite loss or weight: `stop` (default) throws a DivergenceError naming the last good checkpoint;
   * `rollback` reloads that checkpoint as `resume` does, halves the learning rate from then on and continues,
   * at most MAX_ROLLBACKS times per run.
   */
  onDivergence?: DivergencePolicy;
}

export interface TrainSummary {
  method: string;
  preset: string;
  seed: number;
  backend: BackendRecord;
  params: { total: number; trainable: number };
  epochs: number;
  trainImages: number;
  trainSeconds: number;
  secondsPerEpoch: number[];
  finalLoss: number;
  /** The learning-rate scale the run ended at: 0.5 per rollback. */
  lrScale: number;
  /** Every rollback of the run, a resumed run's earlier ones included. */
  rollbacks: RollbackRecord[];
  /** Versions, git commit, final weights' sha256, date, seed, command line. */
  provenance?: Provenance;
}

/**
 * `float train`: trains one method on one preset and writes the checkpoint, a log and a summary. It holds the
 * directory's lock throughout, and never overwrites a run: `out` holding one needs `resume` or `force`.
 */
export async function runTrain(opts: TrainOptions): Promise<TrainSummary> {
  checkOptions('runTrain', trainOptionsSchema, opts);
  if (opts.resume && opts.force) throw new Error('--force: not with --resume (a resumed run continues in its directory; --force starts a new one)');
  if (opts.resume && !existsSync(join(opts.out, RECIPE_FILE))) loadRecipe(opts.out);
  const { release, movedTo } = claimRunDir(opts.out, opts);
  try {
    if (movedTo && !opts.quiet) process.stderr.write(`moved the earlier run in ${opts.out} to ${movedTo}\n`);
    return await trainInDir(opts);
  } finally {
    release();
  }
}

async function trainInDir(opts: TrainOptions): Promise<TrainSummary> {
  const prior = opts.resume ? loadRecipe(opts.out) : undefined;
  const preset = getPreset(prior?.preset ?? opts.preset ?? 'fmnist-quick');
  if (prior) await loadRecipeMethod(prior, opts.out);
  const fromModule = !prior && opts.method !== undefined && isMethodPath(opts.method) ? await loadMethodModule(opts.method) : undefined;
  const method = fromModule?.kit ?? getMethod(prior?.method ?? opts.method ?? 'float');
  const methodModule = prior?.methodModule ?? fromModule?.module;
  // Options, recipe and preset are each schema-checked, so these are positive integers (trainLimit: or undefined).
  const seed = prior?.seed ?? opts.seed ?? 1;
  const init: ConvInit = prior ? recipeInit(prior) : (opts.init ?? 'pytorch');
  if (prior && opts.init !== undefined && opts.init !== init) {
    throw new Error(`--init: ${opts.out} was trained with init ${init}; a resumed run keeps it (got ${opts.init})`);
  }
  const epochs = opts.epochs ?? prior?.training.epochs ?? preset.epochs;
  // A resumed run keeps its recorded batch size and subset, or its batch order would change.
  const batchSize = prior ? prior.training.batchSize : (opts.batchSize ?? preset.batchSize);
  const trainLimit = prior ? prior.training.trainLimit : (opts.trainLimit ?? preset.trainLimit);
  const policy = opts.onDivergence ?? 'stop';
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, ...backendRecord(backend), reason: backend.reason }, backendLine(backend));

  const run = { method: method.name, seed, epochs, batchSize, trainLimit: trainLimit ?? null };
  progress.log('config', { preset, run }, `config: preset ${JSON.stringify(preset)}\nrun: ${JSON.stringify(run)}`);

  const train = await loadTrainData(preset, opts, { limit: trainLimit, batchSize, seed });
  progress.log('data', { dataset: preset.dataset, n: train.n, height: train.height, width: train.width, channels: train.channels, numClasses: train.numClasses, augment: train.augment }, `data: ${preset.dataset} train, ${train.n} images ${train.height}×${train.width}×${train.channels}, ${train.numClasses} classes, augmentation ${train.augment}`);
  const methodOptions: Record<string, unknown> = prior?.methodOptions ?? { ...opts.methodOptions, ...(opts.lambda === undefined ? {} : { lambda: opts.lambda }) };
  const input = { height: train.height, width: train.width, channels: train.channels, numClasses: train.numClasses };
  // Rollbacks halve it; the recipe carries it, so a resumed run continues at the scale it stopped at.
  let lrScale = prior?.training.lrScale ?? 1;
  const build = () => {
    const model = buildModel({ method: method.name, methodOptions, architecture: preset.model, input, seed, init, training: { epochs } });
    // learningRate() is linear in the base rate, so scaling it scales every step's rate alike.
    const trainer = new Trainer(model, {
      epochs,
      lr: preset.lr * lrScale,
      momentum: preset.momentum,
      weightDecay: preset.weightDecay,
      schedule: preset.schedule,
      seed,
      adversary: method.adversarial ? pgdAdversary(preset.trainAttack) : null,
    });
    return { model, trainer };
  };
  let { model, trainer } = build();
  const recipe: Recipe = {
    format: 'floatjs-recipe',
    version: 1,
    method: method.name,
    methodOptions,
    ...(methodModule ? { methodModule } : {}),
    preset: preset.name,
    dataset: preset.dataset,
    architecture: preset.model,
    input,
    seed,
    init,
    plugins: model.host.describe(),
    training: {
      epochs,
      batchSize,
      lr: preset.lr,
      momentum: preset.momentum,
      weightDecay: preset.weightDecay,
      schedule: preset.schedule,
      trainLimit,
      augment: train.augment,
      attack: method.adversarial ? preset.trainAttack : null,
      ...(lrScale === 1 ? {} : { lrScale }),
    },
  };

  try {
    mkdirSync(opts.out, { recursive: true });
    const logPath = join(opts.out, 'train-log.jsonl');
    let startEpoch = 0;
    const found = opts.resume ? findTrainingCheckpoint(opts.out) : null;
    if (opts.resume) {
      const removed = tidyForResume(opts.out, found);
      if (removed.length) progress.log('cleanup', { removed }, `removed ${removed.length} temporary file(s) of an interrupted write: ${removed.join(', ')}`);
      for (const why of found?.skipped ?? []) progress.log('skip-checkpoint', { why }, `skipping an unreadable checkpoint: ${why}`);
    }
    if (found) {
      startEpoch = restoreTrainingCheckpoint(found, trainer).epochsDone;
      dropTornLastLine(logPath);
      progress.log('resume', { epoch: startEpoch + 1, step: trainer.step, lrScale }, `resuming ${opts.out} at epoch ${startEpoch + 1} (step ${trainer.step}${lrScale === 1 ? '' : `, learning rate scale ${lrScale}`})`);
    } else {
      if (opts.resume) progress.log('resume', { epoch: 1, step: 0, lrScale }, `no complete checkpoint in ${opts.out} (killed before the first epoch ended): starting from the beginning`);
      writeFileSync(logPath, '');
    }
    // Before the first epoch: a run killed before its first checkpoint can be resumed (from the start) by directory.
    writeFileAtomic(join(opts.out, RECIPE_FILE), `${JSON.stringify(recipe, null, 2)}\n`);
    const rollbacks = loggedRollbacks(logPath);
    const data = train.batches;
    let lastGood = startEpoch;
    const hooks: TrainerHooks = {
      afterStep: (e) => {
        appendFileSync(logPath, `${JSON.stringify({ event: 'step', ...e })}\n`);
        const text = `epoch ${e.epoch + 1}/${epochs}  batch ${e.batchInEpoch}/${e.batchesPerEpoch}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toFixed(4)}`;
        progress.tick('step', { epoch: e.epoch + 1, batch: e.batchInEpoch, of: e.batchesPerEpoch, loss: e.loss }, text, 10, e.batchInEpoch);
      },
      epochEnd: async (e) => {
        const churn = churnField(model, e.epoch);
        appendFileSync(logPath, `${JSON.stringify({ event: 'epoch', ...e, ...churn })}\n`);
        // Never overwrite the last good checkpoint with broken weights.
        const bad = firstNonFinite(model.variables);
        if (bad) throw new DivergenceError(`training diverged: variable ${bad} holds NaN or Inf after epoch ${e.epoch + 1}`);
        await saveTrainingCheckpoint(opts.out, trainer, recipe, e.epoch + 1);
        lastGood = e.epoch + 1;
        progress.log('epoch', { epoch: e.epoch + 1, seconds: e.seconds, meanLoss: e.meanLoss, ...churn }, `epoch ${e.epoch + 1}/${epochs}  mean loss ${e.meanLoss.toFixed(4)}  ${e.seconds.toFixed(1)} s${churnText(churn)}`);
      },
    };
    for (;;) {
      try {
        await trainer.fit(data, hooks, startEpoch);
        break;
      } catch (err) {
        if (!(err instanceof DivergenceError)) throw err;
        if (policy === 'stop' || lastGood === 0 || rollbacks.length >= MAX_ROLLBACKS) {
          throw new DivergenceError(`${err.message}; ${stopReason(policy, opts.out, lastGood, rollbacks.length, lrScale)}`, { cause: err });
        }
        // The resume path on a fresh model and trainer: weights, momentum, step, rng streams and plugin state.
        const step = trainer.step;
        const failed = { model, trainer };
        lrScale /= 2;
        recipe.training.lrScale = lrScale;
        ({ model, trainer } = build());
        failed.trainer.dispose();
        failed.model.dispose();
        try {
          startEpoch = loadTrainingCheckpoint(opts.out, trainer).epochsDone;
        } catch (loadErr) {
          // Loading checks every value, so a checkpoint that is not usable is never rolled back onto.
          throw new DivergenceError(`${err.message}; rollback impossible: the checkpoint in ${opts.out} is not usable (${(loadErr as Error).message})`, { cause: loadErr });
        }
        // recipe.json is outside the checkpoint's digests: rewriting it alone records the new scale for --resume.
        writeFileAtomic(join(opts.out, RECIPE_FILE), `${JSON.stringify(recipe, null, 2)}\n`);
        const record: RollbackRecord = { step, cause: err.message, checkpointEpoch: startEpoch, lrScale };
        rollbacks.push(record);
        appendFileSync(logPath, `${JSON.stringify({ event: 'rollback', ...record })}\n`);
        progress.log('rollback', { ...record, rollback: rollbacks.length, of: MAX_ROLLBACKS }, `${err.message}; rollback ${rollbacks.length}/${MAX_ROLLBACKS}: back to the checkpoint of epoch ${startEpoch} at learning rate scale ${lrScale}`);
      }
    }
    const epochLog = epochEvents(logPath);
    const summary: TrainSummary = {
      method: method.name,
      preset: preset.name,
      seed,
      backend: backendRecord(backend),
      params: model.paramCount(),
      epochs,
      trainImages: train.n,
      trainSeconds: epochLog.reduce((a, e) => a + e.seconds, 0),
      secondsPerEpoch: epochLog.map((e) => e.seconds),
      finalLoss: epochLog.at(-1)?.meanLoss ?? Number.NaN,
      lrScale,
      rollbacks,
      provenance: provenance({ seed, weightsSha256: sha256File(join(opts.out, WEIGHTS_FILE)) }),
    };
    writeFileAtomic(join(opts.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** The epoch records of a run's log, the last one per epoch (a resumed run repeats the interrupted epoch). */
function epochEvents(logPath: string): Array<{ epoch: number; seconds: number; meanLoss: number }> {
  const byEpoch = new Map<number, { epoch: number; seconds: number; meanLoss: number }>();
  for (const r of trainLogEvents(logPath, 'epoch')) {
    // null: a line cut short by a kill mid-append.
    const e = r as { epoch: number; seconds: number; meanLoss: number } | null;
    if (e && Number.isInteger(e.epoch) && Number.isFinite(e.seconds)) byEpoch.set(e.epoch, e);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
