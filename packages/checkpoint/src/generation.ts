import { closeSync, copyFileSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './atomic-write';
import { checkpointOp } from './fs-ops';

/**
 * One checkpoint generation is the directory `ckpt-<epochsDone>/` of a run directory. It is written whole under
 * a temporary name, fsynced, then renamed into place: the rename is the commit, so a `ckpt-N/` directory is
 * complete by construction and a crash at any point leaves the previous generation untouched. Only then are its
 * files linked into the run directory (where `float eval`, export and experiments read them) and older
 * generations removed.
 */
export const GENERATION_PREFIX = 'ckpt-';
const GENERATION = /^ckpt-(\d+)$/;
/** Temporary names: `<name>.tmp-<pid>` (files and generation directories alike). */
const TEMPORARY = /\.tmp-(\d+)$/;

export function generationDir(dir: string, epochsDone: number): string {
  return join(dir, `${GENERATION_PREFIX}${epochsDone}`);
}

/** The run's generations, newest first, as [epochsDone, directory]. */
export function listGenerations(dir: string): Array<[number, string]> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => [GENERATION.exec(name), name] as const)
    .filter(([m]) => m !== null)
    .map(([m, name]) => [Number(m![1]), join(dir, name)] as [number, string])
    .sort((a, b) => b[0] - a[0]);
}

/** One counted checkpoint file operation: the directory fsync (the kill test's hooks count it). */
function syncDir(dir: string): void {
  checkpointOp();
  fsyncDir(dir);
}

function writeNew(path: string, bytes: Uint8Array): void {
  checkpointOp();
  const fd = openSync(path, 'wx');
  try {
    checkpointOp();
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    checkpointOp();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `files` (written in order) as generation `epochsDone` of `dir`, links each into `dir` itself, then
 * removes the older generations and stale temporary files.
 */
export function writeGeneration(dir: string, epochsDone: number, files: ReadonlyArray<readonly [string, Uint8Array]>): void {
  checkpointOp();
  mkdirSync(dir, { recursive: true });
  const target = generationDir(dir, epochsDone);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  checkpointOp();
  mkdirSync(tmp);
  for (const [name, bytes] of files) writeNew(join(tmp, name), bytes);
  syncDir(tmp);
  if (existsSync(target)) {
    // Only an unreadable generation is ever rewritten (resume picks the newest readable one); move it aside.
    checkpointOp();
    renameSync(target, `${target}.old.tmp-${process.pid}`);
  }
  checkpointOp();
  renameSync(tmp, target);
  syncDir(dir);
  mirrorGeneration(dir, target, files.map(([name]) => name));
  pruneGenerations(dir, epochsDone);
}

/**
 * Points `dir/<name>` at the generation's files: a hard link under a temporary name renamed over the old one
 * (a copy where links are unsupported), each file replaced atomically. The trainer state goes first, so a
 * directory with weights beside it always reads as resumable.
 */
export function mirrorGeneration(dir: string, generation: string, names: readonly string[]): void {
  const order = [...names].sort((a, b) => Number(b === 'trainer-state.json') - Number(a === 'trainer-state.json'));
  for (const name of order) {
    // Already linked (a resume after a crash past this file): rename() onto the same inode would do nothing
    // and leave the temporary name behind.
    if (sameFile(join(generation, name), join(dir, name))) continue;
    const tmp = join(dir, `${name}.tmp-${process.pid}`);
    rmSync(tmp, { force: true });
    checkpointOp();
    try {
      linkSync(join(generation, name), tmp);
    } catch {
      copyFileSync(join(generation, name), tmp);
    }
    checkpointOp();
    renameSync(tmp, join(dir, name));
  }
  syncDir(dir);
}

function sameFile(a: string, b: string): boolean {
  const x = statSync(a, { throwIfNoEntry: false });
  const y = statSync(b, { throwIfNoEntry: false });
  return !!x && !!y && x.ino === y.ino && x.dev === y.dev;
}

/** Removes every generation but `keep`, and the temporary files of processes that no longer run. */
export function pruneGenerations(dir: string, keep: number): void {
  for (const [epochs, path] of listGenerations(dir)) {
    if (epochs === keep) continue;
    checkpointOp();
    rmSync(path, { recursive: true, force: true });
  }
  removeStaleTemporaries(dir);
}

/** `*.tmp-<pid>` entries of `dir` left by a process that is gone (killed mid-write). */
export function removeStaleTemporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid ? name.includes('.old.tmp-') : !isAlive(pid)) {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
