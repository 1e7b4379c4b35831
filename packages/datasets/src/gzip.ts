import { gunzipSync } from 'node:zlib';
import { asPlainBytes } from './bytes';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data and returns anything else unchanged. Detection is by content, not by the
 * file name, because people gunzip files and keep the `.gz` name (or the reverse).
 */
export function maybeGunzip(bytes: Uint8Array, source: string): Uint8Array {
  if (!isGzip(bytes)) return asPlainBytes(bytes);
  try {
    return asPlainBytes(gunzipSync(bytes));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${source}: corrupt gzip data (${reason}); delete the file and fetch it again`, { cause: err });
  }
}
