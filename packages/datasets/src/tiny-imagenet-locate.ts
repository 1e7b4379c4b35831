import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetCacheDir } from './cache-dir';
import type { SourceOptions } from './data-source';
import { downloadFile } from './download-file';
import { fileChunks } from './file-chunks';
import { checkFileSize, describeKnownFile, FileHasher, type KnownFile } from './known-file';
import { TINY_IMAGENET_NAME, TINY_IMAGENET_URLS, TINY_IMAGENET_ZIP, TINY_IMAGENET_ZIP_CHECKSUM } from './tiny-imagenet-info';

/** The zip (checked against its md5 unless verify is false) or an extracted tiny-imagenet-200/ folder. */
export type TinyImagenetLocation = { kind: 'zip'; path: string; verified: boolean } | { kind: 'dir'; path: string };

/**
 * Finds Tiny-ImageNet only in `opts.dir` when given (a folder holding the zip or the extracted
 * folder, the extracted folder itself, or the zip's path); else in `<cacheDir>/tiny-imagenet-200/`;
 * else downloads the zip there when `opts.download`. The zip wins over an extracted copy because it
 * can be verified.
 */
export async function locateTinyImagenet(opts: SourceOptions = {}): Promise<TinyImagenetLocation> {
  const cache = datasetCacheDir(TINY_IMAGENET_NAME, opts.cacheDir);
  const dir = opts.dir ?? cache;
  if (opts.dir !== undefined && opts.dir.toLowerCase().endsWith('.zip') && (await isFile(opts.dir))) {
    return { kind: 'zip', path: opts.dir, verified: false };
  }
  const zip = join(dir, TINY_IMAGENET_ZIP);
  if (await isFile(zip)) return { kind: 'zip', path: zip, verified: false };
  for (const root of [dir, join(dir, TINY_IMAGENET_NAME)]) {
    if (await isFile(join(root, 'wnids.txt'))) return { kind: 'dir', path: root };
  }
  const expected = tinyImagenetChecksum(opts);
  if (opts.download && opts.dir === undefined) {
    const urls = opts.mirrors ? opts.mirrors.map((base) => base + TINY_IMAGENET_ZIP) : TINY_IMAGENET_URLS;
    const path = await downloadFile(TINY_IMAGENET_NAME, TINY_IMAGENET_ZIP, urls, cache, expected, {
      fetch: opts.fetch,
      onProgress: opts.onProgress,
      verify: opts.verify,
    });
    return { kind: 'zip', path, verified: opts.verify !== false };
  }
  throw new Error(
    `${TINY_IMAGENET_NAME}: files not found; looked ${opts.dir !== undefined ? `only in ${opts.dir} (option dir)` : `in ${cache}`}. ` +
      `Expected ${TINY_IMAGENET_ZIP} (${describeKnownFile(expected)}) from ${TINY_IMAGENET_URLS.join(' or ')}, ` +
      `or that zip extracted (a ${TINY_IMAGENET_NAME}/ folder holding wnids.txt, words.txt, train/ and val/). ` +
      `Fix: download it (curl -O ${TINY_IMAGENET_URLS[0]}) and pass --data-dir DIR (option dir)` +
      (opts.dir === undefined ? `, or pass --download (option download: true) to fetch it into ${cache}` : ''),
  );
}

/** Checks the zip's size, then its md5, against the official values (or `opts.checksums`). */
export async function verifyTinyImagenetZip(path: string, opts: Pick<SourceOptions, 'checksums'> = {}): Promise<void> {
  const expected = tinyImagenetChecksum(opts);
  const size = (await stat(path)).size;
  checkFileSize(path, TINY_IMAGENET_NAME, TINY_IMAGENET_ZIP, expected, size);
  const hasher = new FileHasher(path, TINY_IMAGENET_NAME, TINY_IMAGENET_ZIP, expected);
  for await (const chunk of fileChunks(path)) hasher.update(chunk);
  hasher.check();
}

function tinyImagenetChecksum(opts: Pick<SourceOptions, 'checksums'>): KnownFile {
  return opts.checksums?.[TINY_IMAGENET_ZIP] ?? TINY_IMAGENET_ZIP_CHECKSUM;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
