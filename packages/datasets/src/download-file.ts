import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadProgress } from './download-idx-file';
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
    if (opts.verify !== false && expected) {
      try {
        const hasher = new FileHasher(url, dataset, file, expected);
        for await (const chunk of fileChunks(partPath)) hasher.update(chunk);
        hasher.check();
      } catch (err) {
        await rm(partPath, { force: true });
        failures.push(message(err));
        continue;
      }
    }
    await rename(partPath, finalPath);
    return finalPath;
  }
  throw new Error(
    `${dataset} ${file}: download into ${dir} failed from every URL (${failures.join(' | ') || 'no URLs'}); ` +
      `check the network, or put the files in a directory and pass --data-dir DIR`,
  );
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
