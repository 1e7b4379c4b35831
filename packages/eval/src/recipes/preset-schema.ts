import { anyString, boolean, identifier, inRange, list, nonNegative, oneOf, positiveInt, positiveNumber, record } from './schema-fields';

/** A PGD attack as presets and recipes describe it: ℓ∞ radius in pixel units of [0, 1]. */
export const pgdSpecSchema = record(
  { eps: inRange(0, 1), steps: positiveInt(), stepSize: nonNegative(), randomStart: boolean() },
  'a PGD attack { eps, steps, stepSize, randomStart }',
);

/** What `registerPreset` accepts (see `Preset` in presets.ts); the dataset's registration is checked there. */
export const presetSchema = record(
  {
    name: identifier(),
    description: anyString(),
    dataset: identifier(),
    trainLimit: positiveInt().optional(),
    testLimit: positiveInt().optional(),
    model: identifier(),
    batchSize: positiveInt(),
    epochs: positiveInt(),
    lr: positiveNumber(),
    momentum: inRange(0, 1, true),
    weightDecay: nonNegative(),
    schedule: oneOf(['cosine', 'constant']),
    trainAttack: pgdSpecSchema,
    eval: record(
      {
        attack: pgdSpecSchema,
        // mapLambda's domains: λ in [0, 1], λ_th in [0, 1).
        lambdas: list(inRange(0, 1), 'a non-empty array of numbers in [0, 1]'),
        lambdaThs: list(inRange(0, 1, true), 'a non-empty array of numbers in [0, 1)'),
        eot: positiveInt(),
        batchSize: positiveInt(),
      },
      'an object { attack, lambdas, lambdaThs, eot, batchSize }',
    ),
  },
  'a preset object',
);
