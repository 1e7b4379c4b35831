import { createGunzip, gunzipSync } from 'node:zlib';
import { asPlainBytes } from './bytes';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The output limit when the caller knows no tighter one. */
export const DEFAULT_MAX_GUNZIP_BYTES = 256 * 1024 * 1024;

/**
 * Decompresses gzip data (every member) and returns anything else unchanged. Detection is by content, not by
 * the file name, because people gunzip files and keep the `.gz` name (or the reverse). The output may not
 * exceed `maxBytes` (pass the expected size when it is known): zlib stops there, so a small bomb never expands in memory.
 */
export function maybeGunzip(bytes: Uint8Array, source: string, maxBytes = DEFAULT_MAX_GUNZIP_BYTES): Uint8Array {
  if (!isGzip(bytes)) return asPlainBytes(bytes);
  try {
    return asPlainBytes(gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) }));
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${source}: gzip data expands past ${maxBytes} bytes, more than this file can hold (a gzip bomb, or not the expected file)`, { cause: err });
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${source}: corrupt gzip data (${reason}); delete the file and fetch it again`, { cause: err });
  }
}

/** The first `n` decompressed bytes of gzip data (fewer if it is shorter), inflating no more than needed. */
export function gunzipHead(bytes: Uint8Array, n: number, source: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const g = createGunzip();
    const chunks: Buffer[] = [];
    let length = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).subarray(0, n));
    };
    g.on('data', (c: Buffer) => {
      chunks.push(c);
      length += c.length;
      if (length >= n) {
        finish();
        g.destroy();
      }
    });
    g.on('end', finish);
    g.on('error', (err) => {
      if (done) return;
      done = true;
      reject(new Error(`${source}: corrupt gzip data (${err.message}); delete the file and fetch it again`, { cause: err }));
    });
    g.end(bytes);
  });
}
