import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyRaw, type ChecksumTable } from './checksums';
import { maybeGunzip } from './gzip';
import { parseIdx } from './idx';
import { fetchToPart } from './fetch-to-part';
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

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
