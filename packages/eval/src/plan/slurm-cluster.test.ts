import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { thisLauncher } from './launcher';
import { readSlurmState } from './slurm-state';

/**
 * A real SLURM: scripts/slurm-test/cluster.sh starts munged, slurmctld and slurmd for one node on localhost
 * (installing Debian's slurm-wlm and munge first where it can), and `--executor slurm` runs a small plan on it:
 * two tiny trainings, two evaluation shards each, their merges and the report; one training is cancelled
 * mid-run with scancel, and the same command run again completes the plan without redoing what had finished.
 * On CI (CI set) a cluster that does not start fails the test with the daemons' logs; elsewhere, without
 * SLURM and no way to install it, the test is skipped with the reason printed.
 */
const scripts = resolve(__dirname, '../../../../scripts/slurm-test');
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const haveSlurm = () => ['slurmctld', 'slurmd', 'munged', 'sbatch', 'squeue', 'scancel'].every(have);

function skipReason(): string | null {
  if (haveSlurm()) return null;
  const root = process.getuid?.() === 0;
  if (process.env.CI || (root && have('apt-get'))) {
    const r = spawnSync('bash', [join(scripts, 'install.sh')], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0 || !haveSlurm()) {
      const why = `installing slurm-wlm and munge failed (exit ${r.status}):\n${r.stdout}${r.stderr}`;
      if (process.env.CI) throw new Error(why);
      return why;
    }
    return null;
  }
  return 'slurm-wlm and munge are not installed and apt-get cannot run here (not root); run scripts/slurm-test/install.sh';
}

const reason = skipReason();
if (reason) console.warn(`slurm-cluster.test: skipped: ${reason}`);

describe.skipIf(reason !== null)('--executor slurm on a real one-node SLURM', () => {
  const dataDir = writeTinyDataset(256, 40);
  const cluster = join(dataDir, 'cluster');
  const env = { ...process.env, SLURM_CONF: join(cluster, 'slurm.conf'), SLURM_TEST_PORT: String(17000 + (process.pid % 500) * 2) };
  const out = join(dataDir, 'runs');
  const args = ['experiment', 'fmnist-oat-lambdas', '--out', out, '--epochs', '3', '--train-limit', '256', '--limit', '20', '--eval-batch-size', '10', '--eval-shards', '2', '--data-dir', dataDir, '--no-verify', '--executor', 'slurm'];
  const float = (...a: string[]) => {
    const [node, bin] = thisLauncher();
    return spawnSync(node, [bin, ...a], { encoding: 'utf8', env, timeout: 600_000 });
  };
  const slurm = (cmd: string, ...a: string[]) => execFileSync(cmd, a, { encoding: 'utf8', env });
  const queued = () => new Set(slurm('squeue', '-h', '-r', '-o', '%i').split('\n').map((s) => s.trim()).filter(Boolean));

  beforeAll(() => {
    mkdirSync(cluster, { recursive: true });
    const r = spawnSync('bash', [join(scripts, 'cluster.sh'), 'start', cluster], { encoding: 'utf8', env, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`the SLURM daemons did not start (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }, 180_000);
  afterAll(() => {
    spawnSync('bash', [join(scripts, 'cluster.sh'), 'stop', cluster], { encoding: 'utf8', env, timeout: 60_000 });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the plan as job arrays; a task cancelled mid-run is the only work redone by the same command run again', async () => {
    // First submission, no --wait: one array per stage, each after the tasks it needs.
    const first = float(...args, '--time', '20', '--slurm-arg=--comment=floatjs-test');
    expect(first.stderr).not.toMatch(/error/);
    expect(first.status).toBe(0);
    const sbatch = first.stderr.split('\n').filter((l) => l.includes('"event":"sbatch"')).map((l) => JSON.parse(l).argv as string[]);
    expect(sbatch).toHaveLength(4);
    for (const a of sbatch) expect(a).toEqual(expect.arrayContaining(['--time=20', '--comment=floatjs-test']));
    const stateFile = join(out, 'plan.slurm.json');
    const before = readSlurmState(stateFile);
    expect(before.arrays.map((a) => [a.stage, a.tasks])).toEqual([['train', [0, 1]], ['eval', [0, 1, 2, 3]], ['merge', [0, 1]], ['report', [0]]]);
    const trainTask = `${before.jobs['train/oat'].arrayId}_${before.jobs['train/oat'].task}`;

    // Cancel train/oat once its first epoch's checkpoint is written, before the run completes.
    const t0 = Date.now();
    while (!existsSync(join(out, 'oat', 'ckpt-1')) && Date.now() - t0 < 300_000) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(out, 'oat', 'summary.json'))).toBe(false);
    slurm('scancel', trainTask);
    while ([...queued()].some((t) => Object.values(before.jobs).some((s) => t === `${s.arrayId}_${s.task}`))) await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(join(out, 'oat', 'summary.json'))).toBe(false);
    expect(existsSync(join(out, 'oat-default', 'summary.json'))).toBe(true);
    expect(existsSync(join(out, 'report.json'))).toBe(false);

    // The same command again, now waiting: train/oat-default is finished and is not submitted again.
    const second = float(...args, '--wait', '--poll', '1');
    expect(second.status, second.stderr).toBe(0);
    const line = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
    expect(line.failed).toEqual([]);
    const after = readSlurmState(stateFile);
    expect(after.jobs['train/oat-default']).toEqual(before.jobs['train/oat-default']);
    expect(after.jobs['train/oat'].arrayId).not.toBe(before.jobs['train/oat'].arrayId);
    expect(after.arrays.slice(4).map((a) => [a.stage, a.tasks])).toEqual([['train', [0]], ['eval', [0, 1, 2, 3]], ['merge', [0, 1]], ['report', [0]]]);
    expect(after.arrays[5].dependency).toBe(`afterok:${after.jobs['train/oat'].arrayId}_0`);

    // The cancelled training resumed from its checkpoint, in its own task's log.
    const logs = join(out, 'logs', 'slurm');
    const resumed = readFileSync(join(logs, `${after.jobs['train/oat'].arrayId}_0.log`), 'utf8');
    expect(resumed).toMatch(/float plan exec train\/oat: float train --resume oat /);
    // One log per task that ran: the two first trainings (their dependents were cancelled unstarted), then 8.
    expect(readdirSync(logs).filter((f) => f.endsWith('.log'))).toHaveLength(2 + 8);
    // Two shards merged into the eval.json the report reused.
    const merged = JSON.parse(readFileSync(join(out, 'oat', 'eval.json'), 'utf8'));
    expect(merged.merged.count).toBe(2);
    expect(merged.testImages).toBe(20);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.methods.map((m: { label: string }) => m.label)).toEqual(['oat', 'oat-default']);
    expect(report.notes.filter((n: string) => n.startsWith('Reused'))).toHaveLength(4);
  }, 600_000);
});
