import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveCheckpoint, selectBackend, Trainer, writeFileAtomic, type BackendChoice } from '@floatjs/engine';
import { pgdAdversary } from './adversary';
import { loadSplit, trainBatches, type DataOptions } from './data';
import { getMethod } from './methods';
import { getPreset } from './presets';
import { Progress } from './progress';
import { buildModel, type Recipe } from './recipe';

export interface TrainOptions extends DataOptions {
  preset: string;
  method: string;
  out: string;
  seed?: number;
  epochs?: number;
  backend?: string;
  /** λ of the pgd-at loss mix. */
  lambda?: number;
  quiet?: boolean;
}

export interface TrainSummary {
  method: string;
  preset: string;
  seed: number;
  backend: Pick<BackendChoice, 'name' | 'package'>;
  params: { total: number; trainable: number };
  epochs: number;
  trainImages: number;
  trainSeconds: number;
  secondsPerEpoch: number[];
  finalLoss: number;
}

/** `float train`: trains one method on one preset and writes the checkpoint, a log and a summary. */
export async function runTrain(opts: TrainOptions): Promise<TrainSummary> {
  const preset = getPreset(opts.preset);
  const method = getMethod(opts.method);
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${opts.seed}`);
  const epochs = opts.epochs ?? preset.epochs;
  if (!(Number.isInteger(epochs) && epochs >= 1)) throw new Error(`--epochs: expected a positive integer, got ${opts.epochs}`);
  const progress = new Progress(process.stderr, opts.quiet);
  const backend = await selectBackend(opts.backend);
  progress.log('backend', { backend: backend.name, package: backend.package, reason: backend.reason }, `backend: ${backend.name} (${backend.package}, ${backend.reason})`);

  const train = await loadSplit(preset, 'train', opts);
  const methodOptions: Record<string, unknown> = opts.lambda === undefined ? {} : { lambda: opts.lambda };
  const input = { height: train.height, width: train.width, channels: train.channels, numClasses: train.numClasses };
  const model = buildModel({ method: method.name, methodOptions, architecture: preset.model, input, seed });
  const recipe: Recipe = {
    format: 'floatjs-recipe',
    version: 1,
    method: method.name,
    methodOptions,
    preset: preset.name,
    dataset: preset.dataset,
    architecture: preset.model,
    input,
    seed,
    plugins: model.host.describe(),
    training: {
      epochs,
      batchSize: preset.batchSize,
      lr: preset.lr,
      momentum: preset.momentum,
      weightDecay: preset.weightDecay,
      schedule: preset.schedule,
      trainLimit: preset.trainLimit,
      attack: method.adversarial ? preset.trainAttack : null,
    },
  };

  mkdirSync(opts.out, { recursive: true });
  const logPath = join(opts.out, 'train-log.jsonl');
  writeFileSync(logPath, '');
  const trainer = new Trainer(model, {
    epochs,
    lr: preset.lr,
    momentum: preset.momentum,
    weightDecay: preset.weightDecay,
    schedule: preset.schedule,
    seed,
    adversary: method.adversarial ? pgdAdversary(preset.trainAttack) : null,
  });
  const t0 = performance.now();
  const data = trainBatches(train, preset.batchSize, seed);
  const result = await trainer.fit(data, {
    onStep: (e) => {
      appendFileSync(logPath, `${JSON.stringify({ event: 'step', ...e })}\n`);
      const text = `epoch ${e.epoch + 1}/${epochs}  batch ${e.batchInEpoch}/${e.batchesPerEpoch}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toFixed(4)}`;
      progress.tick('step', { epoch: e.epoch + 1, batch: e.batchInEpoch, of: e.batchesPerEpoch, loss: e.loss }, text, 10, e.batchInEpoch);
    },
    onEpoch: async (e) => {
      appendFileSync(logPath, `${JSON.stringify({ event: 'epoch', ...e })}\n`);
      await saveCheckpoint(opts.out, model, recipe);
      progress.log('epoch', { epoch: e.epoch + 1, seconds: e.seconds, meanLoss: e.meanLoss }, `epoch ${e.epoch + 1}/${epochs}  mean loss ${e.meanLoss.toFixed(4)}  ${e.seconds.toFixed(1)} s`);
    },
  });
  const summary: TrainSummary = {
    method: method.name,
    preset: preset.name,
    seed,
    backend: { name: backend.name, package: backend.package },
    params: model.paramCount(),
    epochs,
    trainImages: train.n,
    trainSeconds: (performance.now() - t0) / 1000,
    secondsPerEpoch: result.map((r) => r.seconds),
    finalLoss: result.at(-1)?.meanLoss ?? Number.NaN,
  };
  writeFileAtomic(join(opts.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  trainer.dispose();
  model.dispose();
  return summary;
}
