import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { argvFor, jobState } from './job-state';
import { launch, thisLauncher } from './launcher';
import type { Plan } from './types';

/**
 * `float plan exec PLAN ID`: what one array task of a cluster runs. It decides at run time from the job's
 * files (skip a finished job, resume an interrupted training, else run the planned command), runs it with
 * this very `float`, and fails unless the job's completion test passes afterwards.
 */
export async function execJob(plan: Plan, planFile: string, id: string): Promise<{ id: string; state: 'skipped' | 'done'; argv?: string[] }> {
  const job = plan.jobs.find((j) => j.id === id);
  if (!job) throw new Error(`${planFile}: no job "${id}" (the plan has ${plan.jobs.length} jobs, e.g. ${plan.jobs[0].id})`);
  const base = dirname(resolve(planFile));
  const state = jobState(job, base);
  if (state === 'done') return { id, state: 'skipped' };
  const argv = argvFor(job, base, state);
  process.stderr.write(`float plan exec ${id}: ${argv.join(' ')}\n`);
  const [cmd, ...args] = launch(thisLauncher(), argv);
  const code = await new Promise<number>((done) => {
    const child = spawn(cmd, args, { cwd: base, stdio: 'inherit' });
    // A cluster's cancel (scancel, a pod's deletion) signals this process; the job's process must stop too.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGTERM', forward).on('SIGINT', forward);
    child.on('error', () => done(127));
    child.on('close', (c, signal) => {
      process.off('SIGTERM', forward).off('SIGINT', forward);
      done(c ?? (signal ? 128 : 1));
    });
  });
  if (code !== 0) throw new Error(`job ${id}: \`${argv.join(' ')}\` failed with exit status ${code}`);
  if (jobState(job, base) !== 'done') throw new Error(`job ${id}: \`${argv.join(' ')}\` exited 0 but its outputs are not complete`);
  return { id, state: 'done', argv };
}
