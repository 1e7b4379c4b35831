import { createReadStream } from 'node:fs';

const READ_CHUNK = 1 << 20;

/**
 * A file as a stream of chunks (works for files over 2 GiB, which fs.readFile refuses). `onChunk`
 * sees every chunk first, e.g. to hash the file while it is parsed.
 */
export async function* fileChunks(path: string, onChunk?: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onChunk?.(chunk);
      yield chunk;
    }
  } finally {
    stream.destroy();
  }
}
