import { asPlainBytes } from './bytes';
import { gunzipHead, isGzip, maybeGunzip } from './gzip';

/** No IDX file of the supported datasets comes near this (the largest, MNIST-like train images, is 47 MB). */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

/**
 * Gunzips an IDX file (if gzipped) to exactly the size its header declares: the header is inflated first,
 * its size checked against MAX_IDX_BYTES, and the rest inflated with that size as the limit, so a gzip
 * bomb or a header claiming billions of images fails before any large allocation.
 */
export async function gunzipIdx(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return asPlainBytes(bytes);
  const head = await gunzipHead(bytes, 4 + 4 * 4, source);
  // Not an IDX header: leave the structural error to parseIdx on the (small) bytes we have.
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head[3] < 1 || head[3] > 4 || head.length < 4 + 4 * head[3]) return head;
  const nd = head[3];
  let size = 4 + 4 * nd;
  let count = 1;
  for (let i = 0; i < nd; i++) count *= head.readUInt32BE(4 + 4 * i);
  size += count;
  if (size > MAX_IDX_BYTES) {
    throw new Error(`${source}: IDX header declares ${count} bytes of data, more than the ${MAX_IDX_BYTES}-byte limit for an IDX file`);
  }
  // One byte of slack so that trailing data is reported by parseIdx as such, not as a gzip bomb.
  return maybeGunzip(bytes, source, size + 1);
}
