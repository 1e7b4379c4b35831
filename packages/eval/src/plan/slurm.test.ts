import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from './build';
import { batchScript, sbatchArgs } from './slurm';

const dir = mkdtempSync(join(tmpdir(), 'floatjs-slurm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const planFile = join(dir, 'plan.json');
const plan = buildPlan('fmnist-oat-lambdas', { out: join(dir, 'runs'), planFile, evalShards: 2, launcher: ['/usr/bin/node', '/opt/float it/bin/float.js'] });

describe('--executor slurm: the sbatch calls', () => {
  it('one array per stage with the tasks to run, dependencies on tasks, logs per task, the options passed through', () => {
    const args = sbatchArgs({ plan, stage: 'eval', tasks: [0, 3], dependency: ['41_0', '41_1'], logDir: '/l', base: dir, partition: 'gpu', time: '4:00:00', gpus: 'a100:1', account: 'lab', slurmArgs: ['--qos=high', '--mem=16G'] });
    expect(args).toEqual([
      '--parsable',
      '--job-name=float-fmnist-oat-lambdas-eval',
      '--array=0,3',
      '--output=/l/%A_%a.log',
      `--chdir=${dir}`,
      '--partition=gpu',
      '--time=4:00:00',
      '--gpus=a100:1',
      '--account=lab',
      '--dependency=afterok:41_0:41_1',
      '--kill-on-invalid-dep=yes',
      '--qos=high',
      '--mem=16G',
    ]);
    expect(sbatchArgs({ plan, stage: 'train', tasks: [0, 1], dependency: [], logDir: '/l', base: dir })).not.toContain('--kill-on-invalid-dep=yes');
  });

  it('the batch script maps SLURM_ARRAY_TASK_ID to the stage\'s job and runs float plan exec', () => {
    const evalJobs = plan.jobs.filter((j) => j.stage === 'eval');
    const script = batchScript(plan, planFile, evalJobs);
    expect(script).toContain(`exec '/usr/bin/node' '/opt/float it/bin/float.js' plan exec '${planFile}' "$id"`);
    // Run its mapping with bash, the exec replaced by an echo.
    const file = join(dir, 'map.sh');
    writeFileSync(file, script.replace(/^exec .*$/m, 'echo "$id"'));
    const ids = [0, 1, 2, 3].map((i) => execFileSync('bash', [file], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_JOB_ID: '7' } }).trim().split('\n').at(-1));
    expect(ids).toEqual(evalJobs.map((j) => j.id));
  });
});
