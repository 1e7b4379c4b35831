import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadProgress } from './download-progress';
import { fetchToPart } from './fetch-to-part';
import { fileChunks } from './file-chunks';
import { FileHasher, type KnownFile } from './known-file';

export interface DownloadFileOptions {
  fetch?: typeof fetch;
  onProgress?: (p: DownloadProgress) => void;
  /** Default true: the `.part` must match `expected` before it gets its final name. */
  verify?: boolean;
}

/**
 * Fetches `file` into `dir` from the first of `urls` that works and returns its path. Bytes go to
 * `<file>.part` (resumed with a Range request if it exists) and are renamed only after the size and
 * hash match `expected`, so the final name never holds a partial or wrong file. A network failure
 * keeps the `.part` for the next attempt; a content failure deletes it, since resuming cannot help.
 */
export async function downloadFile(
  dataset: string,
  file: string,
  urls: readonly string[],
  dir: string,
  expected: KnownFile | undefined,
  opts: DownloadFileOptions = {},
): Promise<string> {
  const check =
    opts.verify !== false && expected
      ? async (partPath: string, url: string) => {
          const hasher = new FileHasher(url, dataset, file, expected);
          for await (const chunk of fileChunks(partPath)) hasher.update(chunk);
          hasher.check();
        }
      : async () => {};
  return downloadChecked(`${dataset} ${file}`, file, urls, dir, check, opts);
}

/**
 * The download loop every dataset shares: each URL in turn into `<file>.part` (resumed), then `check`
 * (throws on wrong content, which deletes the `.part`), then the rename to the final name.
 * `sources` names the URLs in the error ("URL", or "mirror" for the MNIST-like mirrors).
 */
export async function downloadChecked(
  label: string,
  file: string,
  urls: readonly string[],
  dir: string,
  check: (partPath: string, url: string) => Promise<void>,
  opts: Pick<DownloadFileOptions, 'fetch' | 'onProgress'> = {},
  sources = 'URL',
): Promise<string> {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const finalPath = join(dir, file);
  const partPath = `${finalPath}.part`;
  await mkdir(dir, { recursive: true });
  const failures: string[] = [];
  for (const url of urls) {
    try {
      await fetchToPart(fetchFn, url, partPath, file, opts.onProgress);
    } catch (err) {
      failures.push(`${url}: ${message(err)}`);
      continue;
    }
    try {
      await check(partPath, url);
    } catch (err) {
      await rm(partPath, { force: true });
      failures.push(message(err));
      continue;
    }
    await rename(partPath, finalPath);
    return finalPath;
  }
  throw new Error(
    `${label}: download into ${dir} failed from every ${sources} (${failures.join(' | ') || `no ${sources}s`}); ` +
      `check the network, or put the files in a directory and pass --data-dir DIR`,
  );
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
