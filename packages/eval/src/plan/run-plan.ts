import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '@floatjs/checkpoint';
import { jobState } from './job-state';
import { writeK8s, type K8sOptions } from './k8s';
import { runLocal, type LocalOptions } from './local';
import { runSlurm, type SlurmOptions } from './slurm';
import type { Plan } from './types';

export const EXECUTORS = ['local', 'slurm', 'k8s'] as const;
export type Executor = (typeof EXECUTORS)[number];

export interface RunPlanOptions extends LocalOptions, SlurmOptions, Omit<K8sOptions, 'gpus'> {
  executor?: Executor;
  /** k8s: the directory for the manifests. */
  manifests?: string;
}

export function writePlan(plan: Plan, file: string): void {
  writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`);
}

/** Per job of the plan: done, resumable or todo, from its files alone. */
export function planStatus(plan: Plan, planFile: string): Array<{ id: string; stage: string; state: string }> {
  const base = dirname(resolve(planFile));
  return plan.jobs.map((j) => ({ id: j.id, stage: j.stage, state: jobState(j, base) }));
}

/** Runs (local), submits (slurm) or writes the manifests of (k8s) a plan; returns the JSON line the CLI prints. */
export async function runPlan(plan: Plan, planFile: string, o: RunPlanOptions): Promise<{ ok: boolean; line: Record<string, unknown> }> {
  const executor = o.executor ?? 'local';
  if (executor === 'local') {
    const r = await runLocal(plan, planFile, o);
    const bad = Object.entries(r.outcomes).filter(([, s]) => s === 'failed' || s === 'blocked');
    const count = (s: string) => Object.values(r.outcomes).filter((x) => x === s).length;
    return { ok: !bad.length, line: { event: 'plan', executor, plan: planFile, seconds: r.seconds, ran: count('done'), skipped: count('skipped'), failed: bad.map(([id]) => id), outcomes: r.outcomes } };
  }
  if (executor === 'slurm') {
    const gpus = o.gpus === undefined ? undefined : String(o.gpus);
    const r = await runSlurm(plan, planFile, { ...o, gpus });
    const failed = Object.entries(r.jobs).filter(([, s]) => s === 'failed').map(([id]) => id);
    return { ok: !failed.length, line: { event: 'plan', executor, plan: planFile, state: r.stateFile, waited: Boolean(o.wait), failed, jobs: r.jobs, arrays: r.arrays.map((a) => a.arrayId) } };
  }
  if (executor === 'k8s') {
    const gpus = o.gpus === undefined ? undefined : Number(o.gpus);
    if (gpus !== undefined && (!Number.isInteger(gpus) || gpus < 0)) throw new Error(`--gpus: with --executor k8s expected a number of GPUs per pod, got "${o.gpus}"`);
    const r = writeK8s(plan, planFile, { ...o, dir: o.manifests, gpus });
    return { ok: true, line: { event: 'plan', executor, plan: planFile, dir: r.dir, files: r.files, apply: `sh ${r.dir}/apply.sh` } };
  }
  throw new Error(`--executor: expected one of ${EXECUTORS.join(', ')}, got "${executor as string}"`);
}
