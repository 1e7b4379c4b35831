import { constants } from 'node:buffer';
import { totalmem } from 'node:os';

const GB = 1e9;

/**
 * A zeroed byte array for `what` (e.g. "svhn extra images"), with errors that say how much memory
 * was asked for and how to ask for less, instead of V8's bare "Array buffer allocation failed".
 */
export function allocBytes(bytes: number, what: string, memory: { max?: number; total?: number } = {}): Uint8Array {
  const max = memory.max ?? constants.MAX_LENGTH;
  const total = memory.total ?? totalmem();
  const fix = 'pass limit (--limit N) to load fewer examples';
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`${what}: invalid size ${bytes} bytes`);
  if (bytes > max) {
    throw new Error(`${what}: needs ${(bytes / GB).toFixed(2)} GB in one array, over Node's limit of ${(max / GB).toFixed(2)} GB; ${fix}`);
  }
  if (bytes > total) {
    throw new Error(`${what}: needs ${(bytes / GB).toFixed(2)} GB, more than this machine's ${(total / GB).toFixed(2)} GB of memory; ${fix}`);
  }
  try {
    return new Uint8Array(bytes);
  } catch (err) {
    throw new Error(`${what}: could not allocate ${(bytes / GB).toFixed(2)} GB (${err instanceof Error ? err.message : String(err)}); ${fix}`, {
      cause: err,
    });
  }
}
