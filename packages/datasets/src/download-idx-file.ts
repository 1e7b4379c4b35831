import { readFile } from 'node:fs/promises';
import { verifyRaw, type ChecksumTable } from './checksums';
import { gunzipIdx } from './idx-gunzip';
import { parseIdx } from './idx';
import { downloadChecked } from './download-file';
import type { DownloadProgress } from './download-progress';

export type { DownloadProgress } from './download-progress';
import { DOWNLOAD_MIRRORS } from './mirrors';
import type { IdxFileName, MnistLikeName } from './mnist-like-files';

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
  const gzName = `${file}.gz`;
  const urls = (opts.mirrors ?? DOWNLOAD_MIRRORS[name]).map((base) => base + gzName);
  const check = async (partPath: string, url: string) => {
    const raw = await gunzipIdx(await readFile(partPath), url);
    parseIdx(raw, url);
    verifyRaw(name, file, raw, { verify: opts.verify, checksums: opts.checksums, source: url });
  };
  return downloadChecked(`${name} ${gzName}`, gzName, urls, dir, check, opts, 'mirror');
}
