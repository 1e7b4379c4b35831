import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Progress } from '../report/progress';
import { jobState, type JobState } from './job-state';
import { readSlurmState, slurmStateFile, writeSlurmState, type SlurmState } from './slurm-state';
import { STAGES, type Plan, type PlanJob } from './types';

export interface SlurmOptions {
  partition?: string;
  time?: string;
  gpus?: string;
  account?: string;
  /** Further sbatch arguments, passed as given (`--slurm-arg=--qos=high`). */
  slurmArgs?: string[];
  /** Block until every submitted task has left the queue, then report. */
  wait?: boolean;
  /** Seconds between squeue polls with `wait` (default 10). */
  poll?: number;
  quiet?: boolean;
}

/** A SLURM task id as squeue -r prints it. */
const taskId = (s: { arrayId: string; task: number }) => `${s.arrayId}_${s.task}`;

/** sbatch's options for one stage's array (everything but the script), exactly as passed. */
export function sbatchArgs(o: { plan: Plan; stage: string; tasks: number[]; dependency: string[]; logDir: string; base: string } & SlurmOptions): string[] {
  return [
    '--parsable',
    `--job-name=float-${o.plan.experiment}-${o.stage}`,
    `--array=${o.tasks.join(',')}`,
    `--output=${join(o.logDir, '%A_%a.log')}`,
    `--chdir=${o.base}`,
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.gpus ? [`--gpus=${o.gpus}`] : []),
    ...(o.account ? [`--account=${o.account}`] : []),
    ...(o.dependency.length ? [`--dependency=afterok:${o.dependency.join(':')}`, '--kill-on-invalid-dep=yes'] : []),
    ...(o.slurmArgs ?? []),
  ];
}

/** The batch script of one stage: SLURM_ARRAY_TASK_ID is the job's position in the stage; the task runs `float plan exec`. */
export function batchScript(plan: Plan, planFile: string, stageJobs: readonly PlanJob[]): string {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  return [
    '#!/bin/bash',
    `# floatjs plan ${plan.experiment}: one task per job of this stage; SLURM_ARRAY_TASK_ID indexes ids.`,
    'set -euo pipefail',
    `ids=(${stageJobs.map((j) => q(j.id)).join(' ')})`,
    'id=${ids[$SLURM_ARRAY_TASK_ID]}',
    'echo "floatjs: task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} runs job $id on $(hostname)"',
    `exec ${plan.launcher.map(q).join(' ')} plan exec ${q(resolve(planFile))} "$id"`,
    '',
  ].join('\n');
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; status?: number };
    if (err.code === 'ENOENT') throw new Error(`--executor slurm: ${cmd} not found on PATH (run this on a SLURM login node)`, { cause: e });
    throw new Error(`${cmd} failed (exit status ${err.status}): ${(err.stderr ?? '').trim().split('\n')[0]}`, { cause: e });
  }
}

/** Task ids (`<array>_<task>`) of this user's jobs still in the queue (pending, running, completing). */
export function activeTasks(): Set<string> {
  const out = run('squeue', ['-h', '-r', '-u', userInfo().username, '-o', '%i']);
  return new Set(out.split('\n').map((s) => s.trim()).filter(Boolean));
}

export interface SlurmResult {
  /** Per job: done (now), queued (submitted earlier and still in the queue), submitted (now), or failed (after --wait). */
  jobs: Record<string, 'done' | 'queued' | 'submitted' | 'failed'>;
  arrays: SlurmState['arrays'];
  stateFile: string;
}

/**
 * `--executor slurm`: one `sbatch --array` per stage with the stage's unfinished jobs, each array after the
 * tasks its jobs need (`--dependency=afterok:<array>_<task>…`). Submissions are recorded in `<plan>.slurm.json`
 * after every sbatch; a rerun skips finished jobs, leaves queued ones alone and resubmits the others (failed,
 * cancelled, never submitted).
 */
export async function runSlurm(plan: Plan, planFile: string, o: SlurmOptions = {}): Promise<SlurmResult> {
  const base = dirname(resolve(planFile));
  const stateFile = slurmStateFile(resolve(planFile));
  const state = readSlurmState(stateFile);
  const progress = new Progress(process.stderr, o.quiet);
  const logDir = join(resolve(base, plan.out), 'logs', 'slurm');
  mkdirSync(logDir, { recursive: true });
  const queue = activeTasks();
  const result: SlurmResult['jobs'] = {};
  const states = new Map<string, JobState>();
  for (const j of plan.jobs) states.set(j.id, jobState(j, base));
  for (const stage of STAGES) {
    const stageJobs = plan.jobs.filter((j) => j.stage === stage);
    if (!stageJobs.length) continue;
    const tasks: number[] = [];
    for (const [i, j] of stageJobs.entries()) {
      const prior = state.jobs[j.id];
      if (states.get(j.id) === 'done') result[j.id] = 'done';
      else if (prior && queue.has(taskId(prior))) result[j.id] = 'queued';
      else tasks.push(i);
    }
    for (const j of stageJobs) progress.log('job', { id: j.id, state: result[j.id] ?? 'submit', ...(state.jobs[j.id] ? { slurm: taskId(state.jobs[j.id]) } : {}) }, `${result[j.id] ?? 'submit'} ${j.id}`);
    if (!tasks.length) continue;
    const needs = new Set(tasks.flatMap((i) => stageJobs[i].needs).filter((n) => result[n] !== 'done'));
    const dependency = [...needs].map((n) => taskId(state.jobs[n]));
    const script = join(logDir, `${stage}-${new Date().toISOString().replace(/[:.]/g, '-')}.sbatch`);
    writeFileSync(script, batchScript(plan, planFile, stageJobs), { mode: 0o755 });
    const args = sbatchArgs({ ...o, plan, stage, tasks, dependency, logDir, base });
    const arrayId = run('sbatch', [...args, script]).trim().split(';')[0];
    if (!/^\d+$/.test(arrayId)) throw new Error(`sbatch printed "${arrayId}", not a job id`);
    const submittedAt = new Date().toISOString();
    for (const i of tasks) {
      state.jobs[stageJobs[i].id] = { arrayId, task: i, submittedAt };
      result[stageJobs[i].id] = 'submitted';
    }
    state.arrays.push({ arrayId, stage, tasks, dependency: dependency.length ? `afterok:${dependency.join(':')}` : null, script: basename(script), submittedAt });
    writeSlurmState(stateFile, state);
    progress.log('sbatch', { stage, arrayId, tasks, dependency, argv: ['sbatch', ...args, script] }, `sbatch ${stage}: array ${arrayId} tasks ${tasks.join(',')}${dependency.length ? ` after ${dependency.join(',')}` : ''}`);
  }
  if (o.wait) await waitFor(plan, state, result, base, o, progress);
  return { jobs: result, arrays: state.arrays, stateFile };
}

/** Polls squeue until none of the plan's tasks is queued, then marks each submitted job done or failed by its files. */
async function waitFor(plan: Plan, state: SlurmState, result: SlurmResult['jobs'], base: string, o: SlurmOptions, progress: Progress): Promise<void> {
  const mine = plan.jobs.filter((j) => result[j.id] !== 'done').map((j) => taskId(state.jobs[j.id]));
  const poll = (o.poll ?? 10) * 1000;
  for (let last = -1; ; ) {
    const q = activeTasks();
    const left = mine.filter((t) => q.has(t)).length;
    if (left !== last) progress.log('wait', { queued: left, of: mine.length }, `waiting: ${left} of ${mine.length} tasks in the queue`);
    last = left;
    if (!left) break;
    await new Promise((r) => setTimeout(r, poll));
  }
  for (const j of plan.jobs) if (result[j.id] !== 'done') result[j.id] = jobState(j, base) === 'done' ? 'done' : 'failed';
}
