import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '@floatjs/checkpoint';
import { rowFromParts, type EvalReport, type EvalRow } from './evaluate';
import { shardRange, type EvalPart, type ShardRecord } from './shard';

export interface MergeOptions {
  /** Where to write the merged report (default: the first file's name without `.shard-<i>-of-<n>`; `-`: stdout). */
  json?: string;
  /** Replace an existing report at the output path. */
  force?: boolean;
}

const SHARD_NAME = /\.shard-(\d+)-of-(\d+)(?=\.json$)/;

/** The files a `float merge` argument list names: a single directory means its `eval.shard-*-of-*.json`. */
export function shardFiles(args: string[]): string[] {
  if (args.length === 0) throw new Error('float merge: give the shard reports (or the directory holding eval.shard-<i>-of-<n>.json)');
  if (args.length === 1 && existsSync(args[0]) && statSync(args[0]).isDirectory()) {
    const dir = args[0];
    const files = readdirSync(dir)
      .filter((f) => /^eval\.shard-\d+-of-\d+\.json$/.test(f))
      .sort((a, b) => Number(SHARD_NAME.exec(a)![1]) - Number(SHARD_NAME.exec(b)![1]))
      .map((f) => join(dir, f));
    if (files.length === 0) throw new Error(`${dir}: holds no eval.shard-<i>-of-<n>.json files to merge`);
    return files;
  }
  return args;
}

/** The default output of a merge: the first file's name without `.shard-<i>-of-<n>` (DIR/eval.json). */
export function mergedName(first: string): string {
  const name = basename(first);
  if (!SHARD_NAME.test(name)) throw new Error(`${first}: not named like a shard report (….shard-<i>-of-<n>.json); pass --json OUT`);
  return join(dirname(first), name.replace(SHARD_NAME, ''));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function readShard(file: string): EvalReport {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  let report: EvalReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
  } catch (err) {
    throw new Error(`${file}: not a complete JSON report (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  if (typeof report !== 'object' || report === null || !Array.isArray(report.rows)) throw new Error(`${file}: not an eval report (no rows)`);
  if (!report.shard) throw new Error(`${file}: not a shard report (no "shard"; made without --shard i/n)`);
  if (!report.evaluation) throw new Error(`${file}: records no evaluation settings; made by an older float eval, which merge cannot check`);
  const { start, end } = report.shard;
  let expected: ShardRecord | undefined;
  try {
    expected = shardRange(report.testImages, report.evaluation.batchSize, { index: report.shard.index, count: report.shard.count });
  } catch {
    expected = undefined;
  }
  if (!same(expected, report.shard)) throw new Error(`${file}: its shard record ${JSON.stringify(report.shard)} is not shard ${report.shard.index}/${report.shard.count} of ${report.testImages} points in batches of ${report.evaluation.batchSize}`);
  for (const [r, row] of report.rows.entries()) {
    const parts = row.parts;
    let at = start;
    for (const p of parts ?? []) {
      if (p.start !== at) break;
      at += p.size;
    }
    if (!parts || parts.length === 0 || at !== end) {
      throw new Error(`${file}: incomplete shard report: row ${r + 1} covers points up to ${at}, expected [${start}, ${end})`);
    }
  }
  return report;
}

/** Refuses a shard that does not belong with the first one: what differs, naming the file. */
function checkConsistent(file: string, r: EvalReport, firstFile: string, first: EvalReport): void {
  const expect = (what: string, a: unknown, b: unknown) => {
    if (!same(a, b)) throw new Error(`${file}: ${what} ${JSON.stringify(a)}, expected ${JSON.stringify(b)} as in ${firstFile}`);
  };
  expect('is shard of', r.shard!.count, first.shard!.count);
  expect('checkpoint', r.checkpoint, first.checkpoint);
  expect('weights sha256', r.provenance?.weightsSha256, first.provenance?.weightsSha256);
  expect('method', r.method, first.method);
  expect('preset', r.preset, first.preset);
  expect('dataset', r.dataset, first.dataset);
  expect('test images', r.testImages, first.testImages);
  expect('attack', r.attack, first.attack);
  for (const key of Object.keys({ ...first.evaluation, ...r.evaluation }) as Array<keyof NonNullable<EvalReport['evaluation']>>) {
    expect(key === 'seed' ? 'seed' : `option ${key}`, r.evaluation![key], first.evaluation![key]);
  }
  expect('backend', r.backend?.name, first.backend?.name);
  expect('packages', r.provenance?.packages, first.provenance?.packages);
  expect('git commit', r.provenance?.git?.commit ?? null, first.provenance?.git?.commit ?? null);
  expect('batches', r.shard!.batches, first.shard!.batches);
  expect('rows', r.rows.map((x) => [x.lambda, x.lambdaTh]), first.rows.map((x) => [x.lambda, x.lambdaTh]));
}

/** The fields of a shard row that its parts do not determine (the same in every shard). */
function rowMeta(row: EvalRow) {
  const { lambda, lambdaTh, norm, lambdaN, width, draws, attack, randomized, eot } = row;
  return { lambda, lambdaTh, norm, lambdaN, width, draws, attack, randomized, eot };
}

/**
 * `float merge`: n shard reports of one evaluation (`float eval --shard i/n`, i = 1 … n) into the report the
 * unsharded run writes: rows recomputed from every shard's per-batch counts in point order. Refuses missing,
 * duplicate or incomplete shards and shards of a different evaluation; never replaces a report unless `force`.
 */
export function runMerge(args: string[], opts: MergeOptions = {}): { report: EvalReport; out: string; files: string[] } {
  const files = shardFiles(args);
  const out = opts.json ?? mergedName(files[0]);
  if (out !== '-' && !opts.force && existsSync(out)) throw new Error(`${out}: a report is there; pass --force to replace it, or --json FILE to write the merged one elsewhere`);
  const reports = files.map(readShard);
  const [first] = reports;
  const count = first.shard!.count;
  const byIndex = new Map<number, string>();
  for (const [k, r] of reports.entries()) {
    checkConsistent(files[k], r, files[0], first);
    const i = r.shard!.index;
    if (byIndex.has(i)) throw new Error(`${files[k]}: shard ${i}/${count} again (already in ${byIndex.get(i)}); expected each of 1 … ${count} once`);
    byIndex.set(i, files[k]);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw new Error(`${files[0]}: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; expected all ${count} shard reports`);
  const ordered = [...reports].sort((a, b) => a.shard!.index - b.shard!.index);
  const settings = first.evaluation!;
  const rows: EvalRow[] = [];
  for (const [r, row] of first.rows.entries()) {
    if (row.sameAs) {
      const prior = rows.find((x) => x.lambda === row.sameAs!.lambda && x.lambdaTh === row.sameAs!.lambdaTh && !x.sameAs);
      if (!prior) throw new Error(`${files[0]}: row ${r + 1} is the same as λ=${row.sameAs.lambda} λ_th=${row.sameAs.lambdaTh}, which no earlier row is`);
      rows.push({ ...prior, lambda: row.lambda, lambdaTh: row.lambdaTh, sameAs: row.sameAs, seconds: 0 });
      continue;
    }
    for (const [k, shard] of ordered.entries()) {
      if (!same(rowMeta(shard.rows[r]), rowMeta(row))) throw new Error(`${files[reports.indexOf(shard)]}: row ${r + 1} is ${JSON.stringify(rowMeta(shard.rows[r]))}, expected ${JSON.stringify(rowMeta(row))} as in ${files[0]} (shard ${k + 1})`);
    }
    const parts: EvalPart[] = ordered.flatMap((shard) => shard.rows[r].parts!);
    rows.push(rowFromParts(rowMeta(row), parts, settings));
  }
  const { shard: _s, rows: _r, seconds: _t, provenance, ...rest } = first;
  const report: EvalReport = {
    ...rest,
    rows,
    seconds: ordered.reduce((a, s) => a + s.seconds, 0),
    ...(provenance ? { provenance } : {}),
    merged: { files, count },
  };
  if (out === '-') process.stdout.write(`${JSON.stringify(report)}\n`);
  else writeFileAtomic(out, `${JSON.stringify(report, null, 2)}\n`);
  return { report, out, files };
}
