import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ByteReader } from './byte-reader';
import { decompressChunks } from './decompress-chunks';
import { fileChunks } from './file-chunks';
import { readTar, type TarEntry } from './tar-reader';

export interface TarFile {
  entries: AsyncGenerator<TarEntry>;
  /**
   * Stops parsing and reads the rest of the file's raw bytes (without decompressing them), so a
   * hash taken through `onRawChunk` covers the whole file; then closes it.
   */
  finish(): Promise<void>;
  /** Stops reading and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens a `.tar` or `.tar.gz` (told apart by content, not name) for streaming: a file stream into
 * an incremental gunzip into the tar parser. `onRawChunk` sees each byte of the file once, as read.
 */
export async function openTarFile(path: string, onRawChunk?: (chunk: Uint8Array) => void): Promise<TarFile> {
  const { gz, size } = await sniff(path);
  const raw = fileChunks(path, onRawChunk);
  // The parser may stop early; the raw stream outlives it so `finish` can drain the rest.
  const detached: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => raw.next(),
      return: async () => ({ done: true, value: undefined }),
    }),
  };
  const reader = new ByteReader(gz ? decompressChunks(detached, 'gzip', path) : detached, path);
  return {
    entries: readTar(reader, { maxMemberBytes: gz ? size * MAX_GZIP_RATIO : size }),
    async finish() {
      await reader.close();
      while (!(await raw.next()).done);
    },
    async close() {
      await reader.close();
      await raw.return(undefined);
    },
  };
}

/** deflate expands at most ~1032:1, so a gzip file of n bytes holds at most this many times n. */
const MAX_GZIP_RATIO = 1032;

/**
 * Size and gzip magic of a regular file. Opened non-blocking and checked before anything is read: a FIFO
 * would block the open forever, /dev/zero would read as an endless empty archive, a directory fails with a
 * bare EISDIR.
 */
async function sniff(path: string): Promise<{ gz: boolean; size: number }> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${path}: not a regular file (a FIFO, device or directory); expected a tar or tar.gz archive`);
    const { bytesRead, buffer } = await fh.read(new Uint8Array(2), 0, 2, 0);
    return { gz: bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b, size: st.size };
  } finally {
    await fh.close();
  }
}
