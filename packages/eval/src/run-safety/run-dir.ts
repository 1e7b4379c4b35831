import { existsSync, ftruncateSync, closeSync, mkdirSync, readSync, fstatSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listGenerations, STATE_FILE, WEIGHTS_FILE } from '@floatjs/checkpoint';
import { LOCK_FILE, lockRunDir } from './run-lock';
import { openTrainLog } from './train-log';

/** Files whose presence means a directory holds a trained (or imported, or evaluated) model worth keeping. */
const RUN_FILES = [WEIGHTS_FILE, STATE_FILE, 'summary.json', 'eval.json'];

/** The files of `dir` that make it a run `train --out` must not overwrite; empty when there is nothing to lose. */
export function runFilesIn(dir: string): string[] {
  const found = RUN_FILES.filter((f) => existsSync(join(dir, f)));
  return [...found, ...listGenerations(dir).map(([e]) => `ckpt-${e}/`)];
}

/**
 * Claims `out` for one `float train`: takes its lock, refuses a directory holding a run unless resuming, or with
 * `force` moves that run aside to `out.old-<time>` (never deleting it) and starts in an empty directory.
 * Returns the lock's release and where the old run went.
 */
export function claimRunDir(out: string, opts: { resume?: boolean; force?: boolean }): { release: () => void; movedTo?: string } {
  mkdirSync(out, { recursive: true });
  let release = lockRunDir(out, 'train');
  const files = opts.resume ? [] : runFilesIn(out);
  if (!files.length) return { release };
  if (!opts.force) {
    release();
    throw new Error(`${out}: holds a run (${files.join(', ')}); continue it with --resume ${out}, or pass --force to move it aside to ${out}.old-<time> and start afresh`);
  }
  const movedTo = `${out}.old-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(out, movedTo);
  // The lock travelled with the old run; a new one guards the new directory.
  rmSync(join(movedTo, LOCK_FILE), { force: true });
  mkdirSync(out);
  release = lockRunDir(out, 'train');
  return { release, movedTo };
}

/** A log line cut short by a kill mid-append is dropped, so that the resumed run's lines start on their own line. */
export function dropTornLastLine(logPath: string): boolean {
  const fd = openTrainLog(logPath, 'r+');
  if (fd === undefined) return false;
  try {
    const size = fstatSync(fd).size;
    // Scan back from the end for the last newline, a block at a time.
    const block = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block.length);
      const n = readSync(fd, block, 0, end - start, start);
      const nl = block.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep === size) return false;
        ftruncateSync(fd, keep);
        return true;
      }
      end = start;
    }
    if (size === 0) return false;
    ftruncateSync(fd, 0);
    return true;
  } finally {
    closeSync(fd);
  }
}
