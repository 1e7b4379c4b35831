import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listGenerations } from '@floatjs/checkpoint';
import { trainedRun } from '../experiment/reuse';
import { runFilesIn } from '../run-safety/run-dir';
import type { PlanJob } from './types';

/** done: its outputs are complete; resumable: an interrupted training with a checkpoint; todo: (re)run it. */
export type JobState = 'done' | 'resumable' | 'todo';

const mtime = (f: string) => statSync(f).mtimeMs;

/** A results file is complete when it parses as JSON and is at least as new as every input it was made from. */
function resultsDone(file: string, newerThan: readonly string[]): boolean {
  if (!existsSync(file)) return false;
  try {
    JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return false; // torn or damaged: made again
  }
  const t = mtime(file);
  return newerThan.every((f) => existsSync(f) && mtime(f) <= t);
}

/** What a job's files say about it; `base` is the plan file's directory (every path in the plan is relative to it). */
export function jobState(job: PlanJob, base: string): JobState {
  const d = job.done;
  if (d.kind === 'results') return resultsDone(resolve(base, d.file), d.newerThan.map((f) => resolve(base, f))) ? 'done' : 'todo';
  const dir = resolve(base, d.dir);
  const t = trainedRun(dir, d.expect);
  if (t.state === 'done') return 'done';
  return t.state === 'resumable' || (existsSync(dir) && listGenerations(dir).length > 0) ? 'resumable' : 'todo';
}

/**
 * The command that brings a job to done from where its files are: a training with a checkpoint resumes; one
 * whose directory holds the remains of a start that never reached a checkpoint starts afresh with `--force`
 * (which moves those remains aside, never deletes them); an evaluation or merge whose report is there but
 * stale (older than the weights) replaces it with `--force`; everything else runs as planned, so that an
 * interrupted evaluation keeps its state and resumes.
 */
export function argvFor(job: PlanJob, base: string, state: JobState): string[] {
  if (state === 'resumable' && job.resumeArgv) return job.resumeArgv;
  if (job.stage === 'train' && runFilesIn(resolve(base, job.out)).length) return [...job.argv, '--force'];
  if ((job.stage === 'eval' || job.stage === 'merge') && job.done.kind === 'results' && existsSync(resolve(base, job.done.file))) return [...job.argv, '--force'];
  return job.argv;
}

export const logName = (id: string) => `${id.replaceAll('/', '__')}.log`;
export const logPath = (base: string, out: string, id: string) => join(resolve(base, out), 'logs', logName(id));
