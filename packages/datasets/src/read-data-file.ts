import { open } from 'node:fs/promises';
import { constants } from 'node:fs';

/**
 * Reads a dataset file that must be a regular file of at most `maxBytes` (checked on the open descriptor,
 * opened non-blocking): a FIFO, a device such as /dev/zero or a directory is refused before any read.
 */
export async function readDataFile(path: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${path}: not a regular file; expected a dataset file`);
    if (st.size > maxBytes) throw new Error(`${path}: ${st.size} bytes, larger than the ${maxBytes}-byte limit for this file`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
