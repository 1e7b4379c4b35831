import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

let ops = 0;

/**
 * Counts one file operation of a checkpoint write. Test-only hook: with FLOAT_TEST_KILL_AT=N the process
 * SIGKILLs itself just before its N-th such operation, so a test can crash a checkpoint at every step in turn.
 */
export function checkpointOp(): void {
  ops++;
  const at = process.env.FLOAT_TEST_KILL_AT;
  if (at !== undefined && Number(at) === ops) process.kill(process.pid, 'SIGKILL');
}

/** File operations of checkpoint writes so far in this process (the kill test's range of kill points). */
export function checkpointOpCount(): number {
  return ops;
}

/**
 * Reads a file that must be a regular file of at most `maxBytes`: a FIFO, device, directory or a link to one
 * (e.g. /dev/zero) is refused before any read, so it can neither hang nor exhaust memory. Opened non-blocking
 * and checked on the open descriptor, so a file swapped after a stat is caught too.
 */
export function readRegularFile(path: string, maxBytes: number, what: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'not found' : `cannot open (${code ?? String(err)})`}; expected ${what}`, { cause: err });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path}: not a regular file; expected ${what}`);
    if (st.size > maxBytes) throw new Error(`${path}: ${st.size} bytes, larger than the ${maxBytes}-byte limit for ${what}`);
    const out = Buffer.alloc(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) throw new Error(`${path}: shrank while being read (${at} of ${st.size} bytes); expected ${what}`);
      at += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
