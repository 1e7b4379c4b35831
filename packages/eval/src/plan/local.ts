import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { Progress } from '../report/progress';
import { argvFor, jobState, logPath } from './job-state';
import { launch } from './launcher';
import type { Plan } from './types';

export interface LocalOptions {
  /** Jobs run at once (default 1: one after another, as `float experiment` without a plan). */
  jobs?: number;
  quiet?: boolean;
}

export type JobOutcome = 'skipped' | 'done' | 'failed' | 'blocked';
export interface LocalResult {
  outcomes: Record<string, JobOutcome>;
  seconds: number;
}

/** Threads per job: the cores shared out among the jobs that run at once, unless the user chose. */
function childEnv(jobs: number): NodeJS.ProcessEnv {
  if (process.env.FLOAT_THREADS || jobs === 1) return process.env;
  return { ...process.env, FLOAT_THREADS: String(Math.max(1, Math.floor(availableParallelism() / jobs))) };
}

function runOne(plan: Plan, base: string, argv: string[], env: NodeJS.ProcessEnv, log: string): Promise<number> {
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  writeSync(fd, `# ${new Date().toISOString()} ${argv.join(' ')}\n`);
  const [cmd, ...args] = launch(plan.launcher, argv);
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: base, env, stdio: ['ignore', fd, fd] });
    child.on('error', (e) => {
      writeSync(fd, `float plan: cannot start ${cmd}: ${e.message}\n`);
      closeSync(fd);
      done(127);
    });
    child.on('close', (code, signal) => {
      closeSync(fd);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/**
 * `--executor local`: runs the plan's jobs as child processes on this machine, at most `jobs` at once, each
 * after the jobs it needs; finished jobs are skipped, interrupted trainings resume, and a failed job's
 * dependents are not started (they are "blocked"). Each job's output goes to `<out>/logs/<id>.log`.
 */
export async function runLocal(plan: Plan, planFile: string, o: LocalOptions = {}): Promise<LocalResult> {
  const base = dirname(resolve(planFile));
  const width = o.jobs ?? 1;
  if (!Number.isInteger(width) || width < 1) throw new Error(`--jobs: expected a positive integer, got ${width}`);
  const progress = new Progress(process.stderr, o.quiet);
  const env = childEnv(width);
  const t0 = performance.now();
  const outcomes: Record<string, JobOutcome> = {};
  const waiting = [...plan.jobs];
  const running = new Map<string, Promise<void>>();
  const settled = (id: string) => outcomes[id] === 'done' || outcomes[id] === 'skipped';
  const dead = (id: string) => outcomes[id] === 'failed' || outcomes[id] === 'blocked';

  while (waiting.length || running.size) {
    let started = false;
    for (let i = 0; i < waiting.length && running.size < width; ) {
      const job = waiting[i];
      if (job.needs.some(dead)) {
        outcomes[job.id] = 'blocked';
        progress.log('job', { id: job.id, state: 'blocked', needs: job.needs.filter(dead) }, `blocked ${job.id} (needs ${job.needs.filter(dead).join(', ')})`);
        waiting.splice(i, 1);
        continue;
      }
      if (!job.needs.every(settled)) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      const state = jobState(job, base);
      if (state === 'done') {
        outcomes[job.id] = 'skipped';
        progress.log('job', { id: job.id, state: 'skipped' }, `skip ${job.id} (finished)`);
        continue;
      }
      const argv = argvFor(job, base, state);
      const log = logPath(base, plan.out, job.id);
      const resume = state === 'resumable';
      progress.log('job', { id: job.id, state: 'started', resume, argv, log: relative(base, log) }, `${resume ? 'resume' : 'start'} ${job.id}: ${argv.join(' ')}`);
      const t = performance.now();
      running.set(job.id, runOne(plan, base, argv, env, log).then((code) => {
        running.delete(job.id);
        const seconds = Math.round((performance.now() - t) / 100) / 10;
        const ok = code === 0 && jobState(job, base) === 'done';
        outcomes[job.id] = ok ? 'done' : 'failed';
        const why = code === 0 ? 'exited 0 but its outputs are not complete' : `exit status ${code}`;
        progress.log('job', { id: job.id, state: outcomes[job.id], seconds, ...(ok ? {} : { exitCode: code, log: relative(base, log) }) }, ok ? `done ${job.id} in ${seconds} s` : `FAILED ${job.id} (${why}; see ${relative(base, log)})`);
      }));
      started = true;
    }
    if (running.size && !started) await Promise.race(running.values());
    else if (!running.size && waiting.length && !started) {
      // Nothing can start and nothing runs: only possible with needs outside the plan, which validation refuses.
      throw new Error(`plan: jobs ${waiting.map((j) => j.id).join(', ')} wait on jobs that never run`);
    }
  }
  return { outcomes, seconds: (performance.now() - t0) / 1000 };
}
