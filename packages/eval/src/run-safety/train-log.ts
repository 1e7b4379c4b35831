import { closeSync, constants, existsSync, fstatSync, openSync, readSync } from 'node:fs';

/** A log line longer than this is not a record `float train` wrote; it is reported unreadable without being kept. */
const MAX_LINE_BYTES = 1 << 20;
const BLOCK_BYTES = 1 << 20;

/**
 * Opens the training log for reading: non-blocking, and only a regular file (a FIFO would block the open or
 * the read forever, /dev/zero would never end, a directory fails with a bare EISDIR). Undefined when absent.
 */
export function openTrainLog(logPath: string, flags: 'r' | 'r+'): number | undefined {
  if (!existsSync(logPath)) return undefined;
  let fd: number;
  try {
    fd = openSync(logPath, (flags === 'r' ? constants.O_RDONLY : constants.O_RDWR) | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new Error(`${logPath}: not a regular file (a directory); expected the training log`, { cause: err });
    throw new Error(`${logPath}: cannot open the training log (${code ?? String(err)})`, { cause: err });
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${logPath}: not a regular file (a FIFO, device or directory); expected the training log`);
  }
  return fd;
}

/**
 * The records of one event in a run's train-log.jsonl, in order: each line that starts `{"event":"<event>"`,
 * parsed, or null where it does not parse (cut short by a kill mid-append, or not JSON). Streamed a block at
 * a time, so memory stays at one block and one line whatever the file holds; [] when there is no log.
 */
export function trainLogEvents(logPath: string, event: string): Array<Record<string, unknown> | null> {
  const fd = openTrainLog(logPath, 'r');
  if (fd === undefined) return [];
  const prefix = Buffer.from(`{"event":${JSON.stringify(event)}`);
  const ours = (head: Buffer) => head.length >= prefix.length && head.subarray(0, prefix.length).equals(prefix);
  const out: Array<Record<string, unknown> | null> = [];
  let parts: Buffer[] = [];
  let lineBytes = 0;
  // Past MAX_LINE_BYTES a line is dropped as it streams by; only whether it was one of ours is kept.
  let overlong: boolean | undefined;
  const add = (seg: Buffer) => {
    if (overlong !== undefined) return;
    if (lineBytes + seg.length > MAX_LINE_BYTES) {
      overlong = ours(Buffer.concat([...parts, seg.subarray(0, prefix.length)]));
      parts = [];
      return;
    }
    parts.push(Buffer.from(seg));
    lineBytes += seg.length;
  };
  const endLine = () => {
    if (overlong) out.push(null);
    else if (overlong === undefined) {
      const line = Buffer.concat(parts);
      if (ours(line)) {
        try {
          out.push(JSON.parse(line.toString('utf8')) as Record<string, unknown>);
        } catch {
          out.push(null);
        }
      }
    }
    parts = [];
    lineBytes = 0;
    overlong = undefined;
  };
  try {
    const block = Buffer.alloc(BLOCK_BYTES);
    for (let at = 0; ; ) {
      const n = readSync(fd, block, 0, block.length, at);
      if (n === 0) break;
      at += n;
      const data = block.subarray(0, n);
      for (let from = 0; from < n; ) {
        const nl = data.indexOf(0x0a, from);
        add(data.subarray(from, nl < 0 ? n : nl));
        if (nl < 0) break;
        endLine();
        from = nl + 1;
      }
    }
    if (lineBytes > 0 || overlong !== undefined) endLine();
  } finally {
    closeSync(fd);
  }
  return out;
}
