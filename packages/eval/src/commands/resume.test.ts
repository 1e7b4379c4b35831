import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTinyDataset } from '../test-utils/tiny-dataset';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist', 'index.js');
const dataDir = writeTinyDataset(256, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A real child process running the built package: registers a small preset, trains (or resumes). */
function trainChild(out: string, resume: boolean) {
  const preset = {
    name: 'resume-test', description: 'resume test', dataset: 'fashion-mnist', trainLimit: 256, testLimit: 20, model: 'cnn-s',
    batchSize: 32, epochs: 3, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine',
    trainAttack: { eps: 0.1, steps: 2, stepSize: 0.06, randomStart: true },
    eval: { attack: { eps: 0.1, steps: 2, stepSize: 0.1, randomStart: true }, lambdas: [0, 1], lambdaThs: [0], eot: 1, batchSize: 20 },
  };
  const code = `const m = await import(${JSON.stringify(dist)}); m.registerPreset(${JSON.stringify(preset)});
await m.runTrain({ preset: 'resume-test', method: 'float', out: ${JSON.stringify(out)}, dataDir: ${JSON.stringify(dataDir)}, verify: false, quiet: true, seed: 5, resume: ${resume}, backend: 'wasm' });`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function finished(child: ReturnType<typeof trainChild>): Promise<number | null> {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => (code === 0 || signal ? resolve(code) : reject(new Error(`child failed (${code}): ${stderr}`)))),
  );
}

function stepsLogged(out: string, epoch: number): number {
  const log = join(out, 'train-log.jsonl');
  if (!existsSync(log)) return 0;
  return readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('{"event":"step"') && JSON.parse(l).epoch === epoch).length;
}

describe('resume after SIGKILL (runs the build; nx builds before test)', () => {
  it('a run killed mid-epoch and resumed ends with bit-identical weights and momentum', async () => {
    expect(existsSync(dist), `${dist} is missing: run \`npm run build\` (nx does it before \`npm test\`)`).toBe(true);
    const straight = join(dataDir, 'straight');
    await finished(trainChild(straight, false));

    const killed = join(dataDir, 'killed');
    const child = trainChild(killed, false);
    const exited = finished(child);
    // Kill in the middle of the second epoch (index 1), after the first epoch's checkpoint.
    while (stepsLogged(killed, 1) < 3) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    expect(JSON.parse(readFileSync(join(killed, 'trainer-state.json'), 'utf8')).epochsDone).toBe(1);

    await finished(trainChild(killed, true));
    for (const f of ['model.safetensors', 'optimizer.safetensors']) {
      expect(readFileSync(join(killed, f)).equals(readFileSync(join(straight, f))), f).toBe(true);
    }
    const a = JSON.parse(readFileSync(join(killed, 'trainer-state.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(straight, 'trainer-state.json'), 'utf8'));
    expect(a).toEqual(b);
  }, 180_000);
});
