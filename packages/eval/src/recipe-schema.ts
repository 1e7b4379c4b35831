import { pgdSpecSchema } from './preset-schema';
import { anyString, arrayOf, exactly, finiteNumber, fraction, identifier, inRange, integer, list, nonNegative, oneOf, positiveInt, positiveNumber, record } from './schema-fields';

/**
 * The method options the registered methods read (methods.ts); other keys pass through for methods
 * registered elsewhere, which check their own.
 */
export const methodOptionsSchema = record(
  {
    lambda: inRange(0, 1).optional(),
    alphaInit: finiteNumber().optional(),
    density: fraction().optional(),
    epochs: positiveInt().optional(),
    totalSteps: positiveInt().optional(),
    lambdas: list(inRange(0, 1), 'a non-empty array of numbers in [0, 1]').optional(),
    dim: positiveInt().optional(),
    filmSeed: integer().optional(),
  },
  'an object (the method options, {} for none)',
);

const inputSchema = record(
  { height: positiveInt(), width: positiveInt(), channels: positiveInt(), numClasses: positiveInt() },
  'an object { height, width, channels, numClasses }',
);

const trainingSchema = record(
  {
    epochs: positiveInt(),
    batchSize: positiveInt(),
    lr: positiveNumber(),
    momentum: inRange(0, 1, true),
    weightDecay: nonNegative(),
    schedule: oneOf(['cosine', 'constant']),
    trainLimit: positiveInt().optional(),
    augment: identifier().optional(),
    attack: pgdSpecSchema.nullable(),
    // Absent means 1; divergence rollbacks halve it (train.ts).
    lrScale: fraction().optional(),
  },
  'an object (the training settings)',
);

/** recipe.json as `float train` and `exportNarrow` write it (see `Recipe` in recipe.ts); unknown fields pass. */
export const recipeSchema = record(
  {
    format: exactly('floatjs-recipe'),
    version: exactly(1),
    method: identifier(),
    methodOptions: methodOptionsSchema,
    preset: identifier(),
    dataset: identifier(),
    architecture: identifier(),
    input: inputSchema,
    seed: integer(),
    init: oneOf(['pytorch', 'he-normal']).optional(),
    plugins: arrayOf(record({ name: identifier() }, 'an object { name, options }'), 'an array of plugins').optional(),
    training: trainingSchema,
    slimmable: record(
      { method: identifier(), architecture: identifier(), width: fraction(), source: anyString() },
      'an object { method, architecture, width, source }',
    ).optional(),
  },
  'a JSON object (the recipe)',
);
