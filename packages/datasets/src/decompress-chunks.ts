import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/** `gzip`: a .gz file (RFC 1952); `zlib`: a zlib stream (RFC 1950), as in MAT-file miCOMPRESSED elements. */
export type CompressedFormat = 'gzip' | 'zlib';

const OUT_CHUNK = 1 << 16;

/**
 * Decompresses a stream of chunks with backpressure on both sides: zlib stops producing while the
 * consumer is busy (so a highly compressible input never piles up as output) and the source is
 * read only while zlib wants input. When the consumer stops early, the source is released only
 * after its pending read finishes, so a caller may go on reading a shared source afterwards.
 * Corrupt or truncated data throws an error naming `label`; errors of the source pass through.
 */
export async function* decompressChunks(
  source: AsyncIterable<Uint8Array>,
  format: CompressedFormat,
  label: string,
): AsyncGenerator<Uint8Array> {
  const z: Transform = format === 'gzip' ? createGunzip({ chunkSize: OUT_CHUNK }) : createInflate({ chunkSize: OUT_CHUNK });
  let stopped = false;
  let sourceError: unknown;
  const pump = (async () => {
    try {
      for await (const chunk of source) {
        if (stopped) break;
        if (chunk.length > 0 && !z.write(chunk)) await drained(z);
        if (stopped) break;
      }
      if (!stopped) z.end();
    } catch (err) {
      sourceError = err;
      z.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  try {
    for await (const out of z as AsyncIterable<Uint8Array>) yield out;
  } catch (err) {
    await pump;
    if (sourceError !== undefined) throw sourceError;
    const what = format === 'gzip' ? 'gzip' : 'zlib-compressed';
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`${label}: corrupt or truncated ${what} data (${reason})`, { cause: err });
  } finally {
    stopped = true;
    z.destroy();
    await pump;
  }
  if (sourceError !== undefined) throw sourceError;
}

/** Resolves on 'drain', or when the stream closes or fails (then nothing more will drain). */
function drained(z: Transform): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      z.off('drain', done);
      z.off('close', done);
      z.off('error', done);
      resolve();
    };
    z.once('drain', done);
    z.once('close', done);
    z.once('error', done);
  });
}
