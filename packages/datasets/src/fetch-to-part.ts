import { open, stat } from 'node:fs/promises';
import type { DownloadProgress } from './download-progress';

/**
 * Fetches `url` into `partPath`, resuming with a Range request when the `.part` already holds a
 * prefix. Throws on HTTP errors and on short bodies; the `.part` is kept so the next call resumes.
 * `file` names the download in progress reports.
 */
export async function fetchToPart(
  fetchFn: typeof fetch,
  url: string,
  partPath: string,
  file: string,
  onProgress?: (p: DownloadProgress) => void,
): Promise<void> {
  const have = (await stat(partPath).catch(() => undefined))?.size ?? 0;
  // identity: a transparently decoded body would break both Range offsets and the length check.
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
  if (have > 0) headers.Range = `bytes=${have}-`;
  const res = await fetchFn(url, { headers });
  // 416 after a Range request means the .part already holds the whole file; the checksum decides.
  if (res.status === 416 && have > 0) {
    await res.body?.cancel();
    return;
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  }
  const range = res.status === 206 ? parseContentRange(res.headers.get('content-range')) : undefined;
  if (res.status === 206 && range?.start !== have) {
    await res.body?.cancel();
    throw new Error(`expected Content-Range starting at byte ${have}, got ${res.headers.get('content-range') ?? 'none'}`);
  }
  // A 200 means the server ignored Range: start over rather than append a second copy.
  const start = range ? have : 0;
  const encoded = res.headers.has('content-encoding');
  const length = encoded ? NaN : Number(res.headers.get('content-length') ?? NaN);
  const total = encoded ? undefined : (range?.total ?? (Number.isFinite(length) ? start + length : undefined));
  const fh = await open(partPath, range ? 'a' : 'w');
  try {
    let received = start;
    if (res.body) {
      for await (const chunk of res.body) {
        await fh.write(chunk);
        received += chunk.length;
        onProgress?.({ file, url, received, total });
      }
    }
    if (total !== undefined && received !== total) {
      throw new Error(`connection closed after ${received} of ${total} bytes`);
    }
  } finally {
    await fh.close();
  }
}

function parseContentRange(header: string | null): { start: number; total?: number } | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[2] === '*' ? undefined : Number(m[2]) };
}
