/** A PGD attack as presets and recipes describe it (ℓ∞, inputs in [0, 1]). */
export interface PgdSpec {
  eps: number;
  steps: number;
  stepSize: number;
  randomStart: boolean;
}

export interface Preset {
  name: string;
  description: string;
  /** A dataset registered with @floatjs/datasets (`datasetNames()`), e.g. fashion-mnist, cifar10, imagenet100. */
  dataset: string;
  trainLimit?: number;
  testLimit?: number;
  model: string;
  batchSize: number;
  epochs: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: 'cosine' | 'constant';
  trainAttack: PgdSpec;
  eval: {
    attack: PgdSpec;
    lambdas: number[];
    lambdaThs: number[];
    /** Gradient draws per attack step on randomized conditions (EOT). */
    eot: number;
    batchSize: number;
  };
}
