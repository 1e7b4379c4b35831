import { allocBytes } from './alloc-bytes';
import { ByteReader } from './byte-reader';
import type { SourceOptions } from './data-source';
import { locateSource } from './locate-source';
import { openMemberStream } from './open-member-stream';
import { planarToHwc } from './planar-images';
import { checkLimit } from './selection';
import { STL10_IMAGE_BYTES, STL10_SIDE, STL10_SOURCE } from './stl10-source';

export interface StreamStl10UnlabeledOptions extends SourceOptions {
  /** Images per yielded chunk. Default 1000 (27.6 MB). */
  chunkSize?: number;
  /** Stop after this many images (the rest is still read for verification when it is on). */
  limit?: number;
}

export interface UnlabeledChunk {
  /** Index of the chunk's first image in unlabeled_X.bin. */
  start: number;
  n: number;
  /** n·96·96·3 bytes, NHWC; a fresh array the caller may keep. */
  images: Uint8Array;
}

/**
 * The 100,000 unlabeled STL-10 images (`unlabeled_X.bin`, 2.76 GB: too big for one array or for
 * fs.readFile) as chunks of NHWC images, from a directory or straight out of `stl10_binary.tar.gz`.
 * Memory: one chunk plus ~2 MB of buffers. With verification on, the size is checked up front and
 * the hash when the stream ends, so the last `next()` throws on a mismatch.
 */
export async function* streamStl10Unlabeled(opts: StreamStl10UnlabeledOptions = {}): AsyncGenerator<UnlabeledChunk> {
  checkLimit(opts.limit);
  const chunkSize = opts.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`stl10 unlabeled: chunkSize must be a positive integer, got ${chunkSize}`);
  const located = await locateSource(STL10_SOURCE, ['unlabeled_X.bin'], 'stl10 unlabeled', opts);
  const member = await openMemberStream(STL10_SOURCE, located, 'unlabeled_X.bin', opts);
  if (member.size % STL10_IMAGE_BYTES !== 0) {
    await member.chunks.return(undefined);
    throw new Error(`${member.source}: ${member.size} bytes is not a whole number of ${STL10_IMAGE_BYTES}-byte STL-10 images; the file is truncated or not STL-10 binary`);
  }
  const total = Math.min(member.size / STL10_IMAGE_BYTES, opts.limit ?? Infinity);
  const reader = new ByteReader(member.chunks, member.source);
  try {
    for (let start = 0; start < total; start += chunkSize) {
      const n = Math.min(chunkSize, total - start);
      const images = allocBytes(n * STL10_IMAGE_BYTES, `${member.source}: stl10 unlabeled chunk`);
      for (let i = 0; i < n; i++) {
        const img = await reader.read(STL10_IMAGE_BYTES, `image ${start + i}`);
        planarToHwc(img, 0, images, i * STL10_IMAGE_BYTES, STL10_SIDE, STL10_SIDE, 3, true);
      }
      yield { start, n, images };
    }
    if (opts.verify !== false) await reader.drain();
  } finally {
    await reader.close();
  }
}
