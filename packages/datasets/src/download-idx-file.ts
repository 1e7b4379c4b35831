import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyRaw, type ChecksumTable } from './checksums';
import { maybeGunzip } from './gzip';
import { parseIdx } from './idx';
import { DOWNLOAD_MIRRORS } from './mirrors';
import type { IdxFileName, MnistLikeName } from './mnist-like-files';

export interface DownloadProgress {
  /** The `.gz` name being fetched. */
  file: string;
  url: string;
  /** Bytes in the `.part` file so far, including any resumed prefix. */
  received: number;
  /** Full size when the server says; undefined otherwise. */
  total?: number;
}

export interface DownloadOptions {
  fetch?: typeof fetch;
  /** Base URLs tried in order; default DOWNLOAD_MIRRORS[name]. */
  mirrors?: readonly string[];
  checksums?: ChecksumTable;
  verify?: boolean;
  onProgress?: (p: DownloadProgress) => void;
}

/**
 * Fetches `<file>.gz` into `dir` and returns its path. Bytes go to `<file>.gz.part` (resumed with a
 * Range request if it exists) and are renamed into place only after the decompressed bytes pass the
 * checksum, so the final name never holds a partial or wrong file. A network failure keeps the
 * `.part` for the next attempt; a content failure deletes it, since resuming it cannot help.
 */
export async function downloadIdxFile(
  name: MnistLikeName,
  file: IdxFileName,
  dir: string,
  opts: DownloadOptions = {},
): Promise<string> {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const gzName = `${file}.gz`;
  const finalPath = join(dir, gzName);
  const partPath = `${finalPath}.part`;
  await mkdir(dir, { recursive: true });
  const failures: string[] = [];
  for (const base of opts.mirrors ?? DOWNLOAD_MIRRORS[name]) {
    const url = base + gzName;
    try {
      await fetchToPart(fetchFn, url, partPath, gzName, opts.onProgress);
    } catch (err) {
      failures.push(`${url}: ${message(err)}`);
      continue;
    }
    try {
      const raw = maybeGunzip(await readFile(partPath), url);
      parseIdx(raw, url);
      verifyRaw(name, file, raw, { verify: opts.verify, checksums: opts.checksums, source: url });
    } catch (err) {
      await rm(partPath, { force: true });
      failures.push(message(err));
      continue;
    }
    await rename(partPath, finalPath);
    return finalPath;
  }
  throw new Error(
    `${name} ${gzName}: download into ${dir} failed from every mirror (${failures.join(' | ') || 'no mirrors'}); ` +
      `check the network, or put the files in a directory and pass --data-dir DIR`,
  );
}

async function fetchToPart(
  fetchFn: typeof fetch,
  url: string,
  partPath: string,
  file: string,
  onProgress: DownloadOptions['onProgress'],
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

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
