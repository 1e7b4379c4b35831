import { existsSync, readFileSync } from 'node:fs';
import * as z from 'zod';
import { writeFileAtomic } from '@floatjs/checkpoint';
import { fieldError } from '../recipes/schema-issues';

/** One array task a plan job was last submitted as. */
export interface Submission {
  /** The array's SLURM job id. */
  arrayId: string;
  /** Its SLURM_ARRAY_TASK_ID. */
  task: number;
  submittedAt: string;
}

/** What `--executor slurm` has submitted for a plan: per job id, its latest submission; every sbatch made. */
export interface SlurmState {
  format: 'floatjs-plan-slurm';
  version: 1;
  jobs: Record<string, Submission>;
  arrays: Array<{ arrayId: string; stage: string; tasks: number[]; dependency: string | null; script: string; submittedAt: string }>;
}

const schema = z.looseObject({
  format: z.literal('floatjs-plan-slurm', { error: '"floatjs-plan-slurm"' }),
  version: z.literal(1, { error: '1' }),
  jobs: z.record(z.string(), z.looseObject({ arrayId: z.string({ error: 'a job id' }), task: z.number({ error: 'a task index' }).int({ error: 'a task index' }) }, { error: 'an object' }), { error: 'an object' }),
  arrays: z.array(z.looseObject({}), { error: 'an array' }),
});

/** `<plan>.slurm.json`, beside the plan. */
export const slurmStateFile = (planFile: string) => `${planFile.replace(/\.json$/, '')}.slurm.json`;

export function readSlurmState(file: string): SlurmState {
  if (!existsSync(file)) return { format: 'floatjs-plan-slurm', version: 1, jobs: {}, arrays: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message.split('\n')[0]}); remove it to submit every unfinished job afresh`, { cause: e });
  }
  const err = fieldError(file, schema, json);
  if (err) throw err;
  return json as SlurmState;
}

/** Written whole after every sbatch (temporary file + rename), so a crash never leaves half a state. */
export function writeSlurmState(file: string, s: SlurmState): void {
  writeFileAtomic(file, `${JSON.stringify(s, null, 2)}\n`);
}
