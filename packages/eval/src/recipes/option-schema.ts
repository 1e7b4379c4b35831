import { anyString, boolean, identifier, inRange, integer, list, nonEmptyString, nonNegative, oneOf, positiveInt, record } from './schema-fields';
import { methodOptionsSchema } from './recipe-schema';
import { firstProblem } from './schema-issues';

/** The data options of train, eval and check (`DataOptions`). */
const dataOptions = { dataDir: nonEmptyString().optional(), download: boolean().optional(), verify: boolean().optional() };

/** `TrainOptions` (train.ts). Unknown keys pass: the CLI hands over everything commander parsed. */
export const trainOptionsSchema = record(
  {
    ...dataOptions,
    preset: identifier().optional(),
    method: identifier().optional(),
    out: nonEmptyString('a directory path'),
    resume: boolean().optional(),
    force: boolean().optional(),
    seed: integer().optional(),
    init: oneOf(['pytorch', 'he-normal']).optional(),
    epochs: positiveInt().optional(),
    trainLimit: positiveInt().optional(),
    batchSize: positiveInt().optional(),
    backend: anyString().optional(),
    lambda: inRange(0, 1).optional(),
    methodOptions: methodOptionsSchema.optional(),
    quiet: boolean().optional(),
    onDivergence: oneOf(['stop', 'rollback']).optional(),
  },
  'an options object',
);

/** `EvalOptions` (evaluate.ts). */
export const evalOptionsSchema = record(
  {
    ...dataOptions,
    attack: nonEmptyString().optional(),
    lambdas: list(inRange(0, 1), 'a non-empty list of numbers in [0, 1]').optional(),
    lambdaThs: list(inRange(0, 1, true), 'a non-empty list of numbers in [0, 1)').optional(),
    limit: positiveInt().optional(),
    eot: positiveInt().optional(),
    steps: positiveInt().optional(),
    eps: nonNegative().optional(),
    norm: oneOf(['linf', 'l2']).optional(),
    seed: integer().optional(),
    batchSize: positiveInt().optional(),
    draws: positiveInt('an integer ≥ 1').optional(),
    aaIter: positiveInt().optional(),
    aaQueries: positiveInt().optional(),
    allowDeterministic: boolean().optional(),
    backend: anyString().optional(),
    shard: nonEmptyString('i/n').optional(),
    json: nonEmptyString('a file path').optional(),
    keepExisting: boolean().optional(),
    quiet: boolean().optional(),
  },
  'an options object',
);

/** Option names whose CLI flag is not their kebab-case form. */
const FLAGS: Record<string, string> = { trainLimit: '--limit', lambdaThs: '--lambda-th', verify: '--no-verify' };

export function flagOf(option: string): string {
  return FLAGS[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Throws `--flag: expected X, got Y` (the CLI's wording) for the first bad option of `fn` (runTrain, runEval). */
export function checkOptions(fn: string, schema: typeof trainOptionsSchema | typeof evalOptionsSchema, opts: unknown): void {
  const p = firstProblem(schema, opts);
  if (!p) return;
  const [option, ...rest] = p.field.split(/(?=[.[])/);
  const subject = p.field ? `${flagOf(option)}${rest.join('')}` : fn;
  throw new Error(`${subject}: expected ${p.expected}, got ${p.found}`);
}
