import { datasetNames } from '@floatjs/datasets';
import { PAPER_PRESETS } from './paper-presets';
import { presetSchema } from './preset-schema';
import type { Preset } from './preset-types';
import { fieldError } from './schema-issues';

export type { PgdSpec, Preset } from './preset-types';

const EPS = 0.1;

/** Presets by name, each a plain config object (registered by name, like tfjs kernels). */
const presets = new Map<string, Preset>();

/** Checks `p` against `presetSchema` (every field, its type and range) and its dataset against the registry. */
export function registerPreset(p: Preset): void {
  const name = (p as { name?: unknown } | null)?.name;
  const err = fieldError(typeof name === 'string' && name ? `preset "${name}"` : 'preset', presetSchema, p);
  if (err) throw err;
  if (presets.has(p.name)) throw new Error(`preset "${p.name}" is already registered`);
  const known = datasetNames();
  if (!known.includes(p.dataset)) {
    throw new Error(`preset "${p.name}": field "dataset" is "${p.dataset}", not a registered dataset; expected one of: ${known.join(', ')}`);
  }
  presets.set(p.name, p);
}

export function presetNames(): string[] {
  return [...presets.keys()];
}

export function getPreset(name: string): Preset {
  const p = presets.get(name);
  if (!p) throw new Error(`--preset: unknown preset "${name}"; expected one of: ${presetNames().join(', ')}`);
  return p;
}

registerPreset({
  name: 'fmnist-quick',
  description: 'Fashion-MNIST, first 10k train / 1k test images, cnn-s, ε = 0.1, PGD-7 training, 6 epochs',
  dataset: 'fashion-mnist',
  trainLimit: 10_000,
  testLimit: 1_000,
  model: 'cnn-s',
  batchSize: 128,
  epochs: 6,
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'cosine',
  trainAttack: { eps: EPS, steps: 7, stepSize: (1.25 * EPS) / 7, randomStart: true },
  eval: {
    attack: { eps: EPS, steps: 20, stepSize: (2.5 * EPS) / 20, randomStart: true },
    lambdas: [0, 0.2, 0.7, 1],
    lambdaThs: [0, 0.5],
    eot: 2,
    batchSize: 200,
  },
});

// The FLOAT paper's experiments (see paper-presets.ts for each value's source).
for (const p of PAPER_PRESETS) registerPreset(p);
