import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { fieldError } from '../recipes/schema-issues';
import { anyString, arrayOf, exactly, identifier, integer, list, nonEmptyString, oneOf, positiveInt, record } from '../recipes/schema-fields';
import { STAGES, type Plan } from './types';

const path = () => nonEmptyString('a path');
const expectRun = record({
  method: identifier(),
  methodOptions: z.record(z.string(), z.unknown(), { error: 'an object' }),
  preset: identifier(),
  seed: integer(),
  epochs: positiveInt(),
  trainLimit: z.union([positiveInt(), z.null()], { error: 'a positive integer or null' }).optional(),
  init: oneOf(['pytorch', 'he-normal']).optional(),
});
const done = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: exactly('checkpoint'), dir: path(), expect: expectRun }, { error: 'an object' }),
    z.strictObject({ kind: exactly('results'), file: path(), newerThan: arrayOf(path(), 'an array of paths') }, { error: 'an object' }),
  ],
  { error: '{ kind: "checkpoint", dir, expect } or { kind: "results", file, newerThan }' },
);
const argv = list(anyString(), 'a non-empty array of strings').refine((a) => a[0] === 'float', { error: 'a command line starting with "float"' });
const job = z.strictObject(
  {
    id: z.string({ error: 'a job id (letters, digits, . _ - /)' }).regex(/^[A-Za-z0-9._/-]{1,200}$/, { error: 'a job id (letters, digits, . _ - /)' }),
    stage: oneOf(STAGES),
    argv,
    resumeArgv: argv.optional(),
    out: path(),
    done,
    needs: arrayOf(anyString(), 'an array of job ids'),
  },
  { error: 'a job object' },
);

export const planSchema = z.looseObject(
  {
    format: exactly('floatjs-plan'),
    version: exactly(1),
    experiment: identifier(),
    description: anyString(),
    out: path(),
    flags: z.record(z.string(), z.unknown(), { error: 'an object' }),
    evalShards: positiveInt(),
    launcher: list(nonEmptyString(), 'a non-empty array of strings'),
    provenance: z.looseObject({}, { error: 'an object' }),
    jobs: list(job, 'a non-empty array of jobs'),
  },
  { error: 'a plan object' },
);

/** The cross-job rules a schema cannot say: unique ids, needs that exist and come from earlier stages. */
function graphError(file: string, plan: Plan): Error | null {
  const stageOf = new Map<string, number>();
  for (const [i, j] of plan.jobs.entries()) {
    if (stageOf.has(j.id)) return new Error(`${file}: field "jobs[${i}].id": job id "${j.id}" is used twice`);
    stageOf.set(j.id, STAGES.indexOf(j.stage));
  }
  for (const [i, j] of plan.jobs.entries()) {
    for (const [k, n] of j.needs.entries()) {
      const s = stageOf.get(n);
      if (s === undefined) return new Error(`${file}: field "jobs[${i}].needs[${k}]": no job has id "${n}"`);
      if (s >= STAGES.indexOf(j.stage)) return new Error(`${file}: field "jobs[${i}].needs[${k}]": "${n}" is not of an earlier stage than ${j.stage}`);
    }
  }
  return null;
}

/** Checks a parsed plan; throws one line naming the file and the first bad field. */
export function validatePlan(file: string, json: unknown): Plan {
  const e = fieldError(file, planSchema, json);
  if (e) throw e;
  const g = graphError(file, json as Plan);
  if (g) throw g;
  return json as Plan;
}

/** Reads and checks a plan file. */
export function readPlan(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the plan (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message.split('\n')[0]})`, { cause: e });
  }
  return validatePlan(file, json);
}
