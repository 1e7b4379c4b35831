import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval, evalStateFile, type EvalOptions, type EvalReport } from './evaluate';
import { runMerge } from './merge';
import { parseShard, shardRange } from './shard';
import { runTrain } from './train';
import { runCli } from '../test-utils/run-cli';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

// 37 points in batches of 8: 5 global batches (8, 8, 8, 8, 5), so 2 and 3 shards are uneven (16 + 21; 8 + 16 + 13).
const dataDir = writeTinyDataset(64, 40);
const dir = join(dataDir, 'float');
const common = { dataDir, verify: false, quiet: true, limit: 37, batchSize: 8 } as const;

beforeAll(async () => {
  await runTrain({ preset: tinyPreset().name, method: 'float', out: dir, dataDir, verify: false, quiet: true, seed: 3 });
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The report without what may differ between runs: timings, provenance, the merge record. */
function numbers(r: EvalReport): unknown {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'seconds' && k !== 'provenance' && k !== 'merged').map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return strip(r);
}

/** Runs `opts` unsharded and in n = 1, 2, 3 shards; every merge must equal the unsharded report. */
async function expectShardsMergeToWhole(name: string, opts: EvalOptions, counts = [1, 2, 3]): Promise<EvalReport> {
  const out = join(dataDir, name);
  mkdirSync(out, { recursive: true });
  const whole = await runEval(dir, { ...common, ...opts, json: join(out, 'eval.json') });
  for (const n of counts) {
    const files: string[] = [];
    for (let i = 1; i <= n; i++) {
      const file = join(out, `n${n}`, `eval.shard-${i}-of-${n}.json`);
      mkdirSync(join(out, `n${n}`), { recursive: true });
      const shard = await runEval(dir, { ...common, ...opts, shard: `${i}/${n}`, json: file });
      expect(shard.shard).toMatchObject({ index: i, count: n });
      files.push(file);
    }
    // Shards given out of order: merge orders them.
    const { report, out: written } = runMerge(files.reverse());
    expect(written).toBe(join(out, `n${n}`, 'eval.json'));
    expect(numbers(report)).toEqual(numbers(whole));
    expect(numbers(JSON.parse(readFileSync(written, 'utf8')))).toEqual(numbers(whole));
  }
  return whole;
}

describe('--shard i/n', () => {
  it('parses i/n and refuses anything else, naming the flag', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0', '-1/2', '1.5/2', '']) expect(() => parseShard(bad)).toThrow(/^--shard: expected i\/n with integers 1 ≤ i ≤ n \(e\.g\. 2\/4\), got "/);
  });

  it('cuts whole global batches, uneven where they do not divide, and refuses more shards than batches', () => {
    expect([1, 2, 3].map((i) => shardRange(37, 8, { index: i, count: 3 })).map((s) => [s.start, s.end, s.firstBatch, s.endBatch])).toEqual([
      [0, 8, 0, 1],
      [8, 24, 1, 3],
      [24, 37, 3, 5],
    ]);
    expect(shardRange(37, 8, { index: 1, count: 1 })).toEqual({ index: 1, count: 1, start: 0, end: 37, firstBatch: 0, endBatch: 5, batches: 5, testImages: 37 });
    expect(() => shardRange(37, 8, { index: 1, count: 6 })).toThrow('--shard: 6 shards, but the 37 test points make only 5 batches of 8; use at most 5 shards or a smaller --batch-size');
  });

  it('PGD, deterministic (λ = 0) and randomized (λ = 1, EOT 2, 3 draws): 1, 2 and 3 shards merge to the unsharded report', async () => {
    const whole = await expectShardsMergeToWhole('pgd', { lambdas: [0, 1], lambdaThs: [0] });
    expect(whole.rows.map((r) => r.randomized)).toEqual([false, true]);
    expect(whole.rows[1].draws).toBe(3);
    // The row's figures are its per-batch counts: 5 parts, 37 points.
    const [, noisy] = whole.rows;
    expect(noisy.parts!.map((p) => [p.start, p.size])).toEqual([
      [0, 8],
      [8, 8],
      [16, 8],
      [24, 8],
      [32, 5],
    ]);
    const clean = [0, 1, 2].map((d) => noisy.parts!.reduce((a, p) => a + p.clean[d], 0));
    expect(noisy.ca).toBe(clean.reduce((a, k) => a + (100 * k) / 37, 0) / 3);
  }, 120_000);

  it('AutoAttack standard (λ = 0): the same verdict for every point, sharded or not', async () => {
    const whole = await expectShardsMergeToWhole('aa', { lambdas: [0], lambdaThs: [0], attack: 'autoattack-standard', aaIter: 3, aaQueries: 20 }, [3]);
    const row = whole.rows[0];
    expect(row.autoattack!.n).toBe(37);
    expect(row.autoattack!.log.map((l) => l.attack)).toEqual(['apgd-ce', 'apgd-t', 'fab-t', 'square']);
    expect(row.autoattack!.robustAccuracy).toBe(row.ra);
    // Per-point verdicts: the shards' parts hold the same strings as the unsharded run's.
    const shards = [1, 2, 3].map((i) => JSON.parse(readFileSync(join(dataDir, 'aa', 'n3', `eval.shard-${i}-of-3.json`), 'utf8')) as EvalReport);
    expect(shards.flatMap((s) => s.rows[0].parts!.map((p) => p.autoattack!.points)).join('')).toBe(row.parts!.map((p) => p.autoattack!.points).join(''));
    expect(row.parts!.map((p) => p.autoattack!.points).join('')).toHaveLength(37);
  }, 180_000);

  it('AutoAttack rand on a randomized condition (λ = 1), with its PGD EOT-10 companion: 2 shards merge to the unsharded report', async () => {
    const whole = await expectShardsMergeToWhole('aa-rand', { lambdas: [1], lambdaThs: [0], attack: 'autoattack-rand', aaIter: 2, eot: 2, draws: 2, limit: 16 }, [2]);
    const row = whole.rows[0];
    expect(row.randomized).toBe(true);
    expect(row.verdicts!.redrawn.map((v) => v.attack)).toEqual(['autoattack-rand', 'pgd-3 EOT 10']);
    expect(row.autoattack!.keptCandidates).toBe(true);
  }, 180_000);

  it('resumes an interrupted shard from its state file, reusing finished batches, and gives the same report', async () => {
    const out = join(dataDir, 'resume');
    mkdirSync(out, { recursive: true });
    const opts = { ...common, lambdas: [0, 1], lambdaThs: [0], shard: '2/2' };
    const full = await runEval(dir, { ...opts, json: join(out, 'full.json') });
    expect(existsSync(evalStateFile(join(out, 'full.json')))).toBe(false);
    // A report path that cannot be written (a directory) fails after the last batch: the state file stays.
    const file = join(out, 'eval.shard-2-of-2.json');
    mkdirSync(file);
    await expect(runEval(dir, { ...opts, json: file })).rejects.toThrow();
    rmSync(file, { recursive: true });
    const stateFile = evalStateFile(file);
    expect(stateFile).toBe(join(out, 'eval.shard-2-of-2.state.json'));
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { conditions: Record<string, Array<{ seconds: number }>> };
    const [first, second] = Object.values(state.conditions);
    // Interrupted in the second condition after one batch; the finished batches are marked to see them kept.
    for (const p of first) p.seconds = 1000;
    second.splice(1);
    second[0].seconds = 1000;
    writeFileSync(stateFile, JSON.stringify(state));
    const resumed = await runEval(dir, { ...opts, json: file, keepExisting: true });
    expect(numbers({ ...resumed, rows: resumed.rows.map((r) => ({ ...r, parts: undefined })) } as EvalReport)).toEqual(numbers({ ...full, rows: full.rows.map((r) => ({ ...r, parts: undefined })) } as EvalReport));
    expect(resumed.rows.map((r) => r.parts!.map((p) => p.seconds === 1000))).toEqual([
      [true, true, true],
      [true, false, false],
    ]);
    expect(numbers(resumed)).toEqual(numbers(full));
    expect(existsSync(stateFile)).toBe(false);
    // A state file of another evaluation is refused (unless --force), not silently reused.
    writeFileSync(evalStateFile(join(out, 'other.json')), JSON.stringify({ ...state, fingerprint: { other: true } }));
    await expect(runEval(dir, { ...opts, json: join(out, 'other.json'), keepExisting: true })).rejects.toThrow(/other\.state\.json: holds an interrupted evaluation with other options, checkpoint or shard; .*--force to start afresh/);
  }, 120_000);
});

describe('float merge', () => {
  const shardsDir = join(dataDir, 'merge');
  const opts = { ...common, lambdas: [0], lambdaThs: [0] };
  const shardFile = (i: number, n: number, d = shardsDir) => join(d, `eval.shard-${i}-of-${n}.json`);
  beforeAll(async () => {
    mkdirSync(shardsDir, { recursive: true });
    for (const i of [1, 2, 3]) await runEval(dir, { ...opts, shard: `${i}/3`, json: shardFile(i, 3) });
    await runEval(dir, { ...opts, shard: '1/2', json: shardFile(1, 2, dataDir) });
    mkdirSync(join(dataDir, 'seed'), { recursive: true });
    await runEval(dir, { ...opts, seed: 99, shard: '2/3', json: shardFile(2, 3, join(dataDir, 'seed')) });
  }, 120_000);

  it('refuses missing, duplicate, mixed-n, other-seed and incomplete shards with one line naming the file', () => {
    const [a, b, c] = [1, 2, 3].map((i) => shardFile(i, 3));
    const out = { json: join(dataDir, 'never.json') };
    expect(() => runMerge([a, b], out)).toThrow(`${a}: shard 3/3 missing; expected all 3 shard reports`);
    expect(() => runMerge([a, b, b, c], out)).toThrow(`${b}: shard 2/3 again (already in ${b}); expected each of 1 … 3 once`);
    expect(() => runMerge([a, shardFile(1, 2, dataDir)], out)).toThrow(`${shardFile(1, 2, dataDir)}: is shard of 2, expected 3 as in ${a}`);
    expect(() => runMerge([a, shardFile(2, 3, join(dataDir, 'seed')), c], out)).toThrow(`${shardFile(2, 3, join(dataDir, 'seed'))}: seed 99, expected 3 as in ${a}`);
    expect(() => runMerge([a, join(dataDir, 'nowhere.json'), c], out)).toThrow(`${join(dataDir, 'nowhere.json')}: no such file`);
    // A cut-off file, and one whose row lacks its last batch.
    const cut = join(dataDir, 'cut.json');
    writeFileSync(cut, readFileSync(b, 'utf8').slice(0, 200));
    expect(() => runMerge([a, cut, c], out)).toThrow(new RegExp(`^${cut}: not a complete JSON report`));
    const short = JSON.parse(readFileSync(b, 'utf8')) as EvalReport;
    short.rows[0].parts!.pop();
    const shortFile = join(dataDir, 'short.json');
    writeFileSync(shortFile, JSON.stringify(short));
    expect(() => runMerge([a, shortFile, c], out)).toThrow(`${shortFile}: incomplete shard report: row 1 covers points up to 16, expected [8, 24)`);
    const whole = join(dataDir, 'whole.json');
    writeFileSync(whole, JSON.stringify({ ...short, shard: undefined }));
    expect(() => runMerge([whole], out)).toThrow(`${whole}: not a shard report (no "shard"; made without --shard i/n)`);
    expect(existsSync(out.json)).toBe(false);
  });

  it('takes a directory, writes DIR/eval.json, and never replaces a report unless --force', async () => {
    const { out, files } = runMerge([shardsDir]);
    expect(out).toBe(join(shardsDir, 'eval.json'));
    expect(files).toEqual([1, 2, 3].map((i) => shardFile(i, 3)));
    const before = readFileSync(out, 'utf8');
    expect(() => runMerge([shardsDir])).toThrow(`${out}: a report is there; pass --force to replace it, or --json FILE to write the merged one elsewhere`);
    expect(readFileSync(out, 'utf8')).toBe(before);
    expect(runMerge([shardsDir], { force: true }).report.rows[0].ca).toBe(JSON.parse(before).rows[0].ca);
    // The CLI: one line naming the problem, exit code 1.
    const cli = await runCli('merge', shardFile(1, 3), shardFile(2, 3), '--json', join(dataDir, 'cli.json'));
    expect(cli).toEqual({ code: 1, stderr: `float: error: ${shardFile(1, 3)}: shard 3/3 missing; expected all 3 shard reports\n` });
  });

  it('float eval refuses a bad --shard in one line naming the flag, before any work', async () => {
    for (const [value, message] of [
      ['0/3', '--shard: expected i/n with integers 1 ≤ i ≤ n (e.g. 2/4), got "0/3"'],
      ['4/3', '--shard: expected i/n with integers 1 ≤ i ≤ n (e.g. 2/4), got "4/3"'],
      ['two', '--shard: expected i/n with integers 1 ≤ i ≤ n (e.g. 2/4), got "two"'],
      ['1/9', '--shard: 9 shards, but the 37 test points make only 5 batches of 8; use at most 5 shards or a smaller --batch-size'],
    ]) {
      const { code, stderr } = await runCli('eval', dir, '--data-dir', dataDir, '--no-verify', '--limit', '37', '--batch-size', '8', '--lambdas', '0', '--quiet', '--shard', value, '--json', join(dataDir, 'bad.json'));
      expect(stderr).toBe(`float: error: ${message}\n`);
      expect(code).toBe(1);
    }
    expect(existsSync(join(dataDir, 'bad.json'))).toBe(false);
  }, 60_000);
});
