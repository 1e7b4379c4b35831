import { pgdSpecSchema } from './preset-schema';
import { anyString, arrayOf, boundedInt, exactly, finiteNumber, fraction, identifier, inRange, integer, list, nonNegative, oneOf, positiveNumber, record } from './schema-fields';

const MAX_EPOCHS = 100_000;

/**
 * The method options the registered methods read (methods.ts); other keys pass through for methods
 * registered elsewhere, which check their own.
 */
export const methodOptionsSchema = record(
  {
    lambda: inRange(0, 1).optional(),
    alphaInit: finiteNumber().optional(),
    density: fraction().optional(),
    epochs: boundedInt(MAX_EPOCHS).optional(),
    totalSteps: boundedInt(1e9).optional(),
    lambdas: list(inRange(0, 1), 'a non-empty array of numbers in [0, 1]').optional(),
    dim: boundedInt(65536).optional(),
    filmSeed: integer().optional(),
  },
  'an object (the method options, {} for none)',
);

const inputSchema = record(
  // Upper bounds far above any dataset here (ImageNet-21k has 21,841 classes), low enough to refuse absurd sizes
  // before anything is allocated for them.
  { height: boundedInt(4096), width: boundedInt(4096), channels: boundedInt(64), numClasses: boundedInt(100_000) },
  'an object { height, width, channels, numClasses }',
);

const trainingSchema = record(
  {
    epochs: boundedInt(MAX_EPOCHS),
    batchSize: boundedInt(65536),
    lr: positiveNumber(),
    momentum: inRange(0, 1, true),
    weightDecay: nonNegative(),
    schedule: oneOf(['cosine', 'constant']),
    trainLimit: boundedInt(1e9).optional(),
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
    methodModule: record({ path: identifier(), sha256: anyString() }, 'an object { path, sha256 }').optional(),
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
