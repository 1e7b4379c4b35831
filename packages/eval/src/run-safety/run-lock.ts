import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '@floatjs/checkpoint';

export const LOCK_FILE = '.lock';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/**
 * Takes `dir/.lock` (created exclusively, holding pid, host and start time) for one writer of a run directory.
 * A lock of a process that is gone (same host, pid not running) is taken over; any other one is refused with
 * who holds it. Returns the release function.
 */
export function lockRunDir(dir: string, command: string): () => void {
  const path = join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(mine)}\n`);
      } finally {
        closeSync(fd);
      }
      return () => releaseLock(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(path, err);
      const held = readLock(path);
      if (held && (held.host !== mine.host || isAlive(held.pid))) {
        throw new Error(`${dir}: in use by \`float ${held.command}\` (pid ${held.pid} on ${held.host}, since ${held.started}); wait for it to finish, or remove ${path} if that process is gone`, { cause: err });
      }
      // Stale (its process is gone) or unreadable (a writer killed between create and write): take it over.
      rmSync(path, { force: true });
    }
  }
}

function lockError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST') return new Error(`${path}: another process took the lock at the same moment; try again`);
  return new Error(`${path}: cannot create the lock file (${code ?? String(err)})`, { cause: err });
}

function readLock(path: string): LockInfo | null {
  try {
    const l = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(l.pid) && typeof l.host === 'string' ? l : null;
  } catch {
    return null;
  }
}

/** Removes the lock only while it is still this process's (never one a later writer took over). */
function releaseLock(path: string): void {
  const held = readLock(path);
  if (held?.pid === process.pid && held.host === hostname()) rmSync(path, { force: true });
}
