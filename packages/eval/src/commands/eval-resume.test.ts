import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runEval, evalStateFile, type EvalReport } from './evaluate';
import { trainedRun } from '../test-utils/trained-run';

// A crash right after the evaluation saved AutoAttack's state in the middle of a batch: the write that carries
// the batch starting at point 16 after its second attack lands on disk, then the process "dies".
const crash = { armed: false };
vi.mock('@floatjs/checkpoint', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@floatjs/checkpoint')>();
  return {
    ...actual,
    writeFileAtomic: (file: string, data: string | Uint8Array) => {
      actual.writeFileAtomic(file, data);
      if (crash.armed && file.endsWith('.state.json')) {
        const state = JSON.parse(String(data)) as { autoattack?: Record<string, { start: number; state: { nextAttack: number } }> };
        if (Object.values(state.autoattack ?? {}).some((a) => a.start === 16 && a.state.nextAttack === 2)) {
          crash.armed = false;
          throw new Error('simulated crash');
        }
      }
    },
  };
});

let dataDir: string;
let dir: string;
beforeAll(async () => {
  ({ dataDir, dir } = await trainedRun());
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const strip = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'seconds' && k !== 'provenance').map(([k, x]) => [k, strip(x)]));
  return v;
};

describe('float eval resumes AutoAttack mid-batch from the shard report\'s state file', () => {
  it('continues after the last finished attack of the interrupted batch and gives the report of an uninterrupted run', async () => {
    // 20 points in batches of 8; shard 2/2 holds batches [8, 16) and [16, 20).
    const opts = { dataDir, verify: false, quiet: true, limit: 20, batchSize: 8, attack: 'autoattack-standard', aaIter: 3, aaQueries: 20, shard: '2/2' };
    const full = await runEval(dir, { ...opts, json: join(dir, 'full.json') });
    const file = join(dir, 'eval.shard-2-of-2.json');
    crash.armed = true;
    await expect(runEval(dir, { ...opts, json: file, keepExisting: true })).rejects.toThrow('simulated crash');
    const stateFile = evalStateFile(file);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      conditions: Record<string, Array<{ start: number }>>;
      autoattack: Record<string, { start: number; state: { nextAttack: number; log: Array<{ attack: string; seconds: number }> } }>;
    };
    const [key] = Object.keys(state.conditions);
    expect(state.conditions[key].map((p) => p.start)).toEqual([8]);
    expect(state.autoattack[key].start).toBe(16);
    expect(state.autoattack[key].state.log.map((l) => l.attack)).toEqual(['apgd-ce', 'apgd-t']);
    // Marked, to see that the resumed run takes the first two attacks from the state rather than running them again.
    state.autoattack[key].state.log[0].seconds = 1000;
    writeFileSync(stateFile, JSON.stringify(state));
    const resumed = await runEval(dir, { ...opts, json: file, keepExisting: true });
    expect(resumed.rows[0].parts![1].autoattack!.log.map((l) => l.seconds === 1000)).toEqual([true, false, false, false]);
    expect(strip(resumed)).toEqual(strip(full));
    expect(strip(JSON.parse(readFileSync(file, 'utf8')) as EvalReport)).toEqual(strip(full));
  }, 120_000);
});
