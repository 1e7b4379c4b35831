import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model';
import type { Adversary, LossMixHook } from '../plugin';
import { Sgd } from '../optim/sgd';
import { learningRate, type ScheduleName } from '../optim/schedule';
import { Rng } from '@floatjs/random';
import { standardLossMix } from '../loss-mixes/standard';

export interface Batch {
  x: Float32Array;
  y: Int32Array;
  size: number;
}

/** Anything that yields the batches of one epoch in a seeded order. */
export interface BatchSource {
  batchesPerEpoch: number;
  batches(epoch: number): Iterable<Batch>;
}

export interface TrainerOptions {
  epochs: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  seed: number;
  adversary: Adversary | null;
}

export interface StepEvent {
  epoch: number;
  step: number;
  batchInEpoch: number;
  batchesPerEpoch: number;
  loss: number;
  lr: number;
}

export interface EpochEvent {
  epoch: number;
  seconds: number;
  meanLoss: number;
  steps: number;
}

/**
 * What a caller of `fit` hears, in the plugins' vocabulary (`afterStep`, `epochEnd`, as the mask-update hook):
 * after every optimizer step, and at the end of every epoch (the last included; plugins' `epochEnd` skips it).
 */
export interface TrainerHooks {
  afterStep?(e: StepEvent): void;
  epochEnd?(e: EpochEvent): void | Promise<void>;
}

export class DivergenceError extends Error {}

/**
 * The training loop: for each batch, the recipe's loss mix prepares the loss (crafting adversarial
 * inputs outside the tape), the loss is differentiated w.r.t. every trainable variable, SGD steps,
 * then mask hooks run. Each epoch is timed on its own.
 */
export class Trainer {
  readonly optimizer: Sgd;
  readonly rng: Rng;
  readonly lossMix: LossMixHook;
  step = 0;

  constructor(readonly model: Model, readonly options: TrainerOptions) {
    this.optimizer = new Sgd(model.variables, { momentum: options.momentum, weightDecay: options.weightDecay });
    this.rng = Rng.derive(options.seed, 'trainer');
    this.lossMix = model.host.lossMix ?? standardLossMix().lossMix!;
  }

  async fit(data: BatchSource, hooks: TrainerHooks = {}, startEpoch = 0): Promise<EpochEvent[]> {
    const { model, options } = this;
    const totalSteps = options.epochs * data.batchesPerEpoch;
    const epochs: EpochEvent[] = [];
    // Resuming at a later epoch continues the per-batch schedule where it stopped.
    if (startEpoch > 0 && this.step === 0) this.step = startEpoch * data.batchesPerEpoch;
    for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      const t0 = performance.now();
      let lossSum = 0;
      let n = 0;
      for (const batch of data.batches(epoch)) {
        const lr = learningRate(options.schedule, options.lr, this.step, totalSteps);
        const loss = this.trainStep(batch, lr, epoch);
        lossSum += loss;
        n++;
        hooks.afterStep?.({ epoch, step: this.step - 1, batchInEpoch: n, batchesPerEpoch: data.batchesPerEpoch, loss, lr });
      }
      // Not after the last epoch (sparse_learning: `if epoch < args.epochs: mask.at_end_of_epoch()`): a weight
      // regrown there would start at zero with no step left to train it, so the saved model would lose it.
      if (epoch + 1 < options.epochs) model.host.epochEnd({ model, optimizer: this.optimizer, step: this.step, epoch });
      const event = { epoch, seconds: (performance.now() - t0) / 1000, meanLoss: lossSum / Math.max(n, 1), steps: n };
      epochs.push(event);
      await hooks.epochEnd?.(event);
    }
    return epochs;
  }

  /**
   * One optimizer step on one batch: the loss mix prepares the loss (attacks run outside the tape), the
   * loss is differentiated w.r.t. every trainable variable, SGD steps, mask hooks run. Returns the loss.
   */
  trainStep(batch: Batch, lr: number, epoch = 0): number {
    const { model, options } = this;
    const { height, width, channels } = model.input;
    const x = tf.tensor4d(batch.x, [batch.size, height, width, channels]);
    const y = tf.tensor1d(batch.y, 'int32');
    const prepared = this.lossMix.prepare({ model, x, y, adversary: options.adversary, rng: this.rng, step: this.step, epoch });
    const { value, grads } = tf.variableGrads(() => prepared.loss(), model.trainableVariables());
    const loss = value.dataSync()[0];
    value.dispose();
    prepared.dispose();
    x.dispose();
    y.dispose();
    if (!Number.isFinite(loss)) {
      for (const g of Object.values(grads)) g.dispose();
      throw new DivergenceError(`training diverged: loss is ${loss} at epoch ${epoch + 1}, step ${this.step}`);
    }
    this.optimizer.step(grads, lr);
    model.host.afterStep({ model, optimizer: this.optimizer, step: this.step, epoch });
    this.step++;
    return loss;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
