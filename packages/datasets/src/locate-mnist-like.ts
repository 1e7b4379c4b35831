import { datasetCacheDir } from './cache-dir';
import { downloadIdxFile, type DownloadOptions } from './download-idx-file';
import { findIdxFile } from './find-idx-file';
import { IDX_FILES, type IdxFileName, type MnistLikeName, type Split } from './mnist-like-files';
import { INSTALL_HINTS, SYSTEM_DATA_DIRS } from './system-dirs';

export interface LocateOptions extends DownloadOptions {
  /** Use only this directory (files gzipped or not); nothing else is searched or downloaded. */
  dir?: string;
  /** Cache root; files live in `<cacheDir>/<name>/`. Default `$FLOAT_CACHE_DIR` or `~/.cache/floatjs/datasets`. */
  cacheDir?: string;
  /** Fetch missing files into the cache. Default false, so nothing touches the network unasked. */
  download?: boolean;
  /** OS package locations checked before the cache. Default SYSTEM_DATA_DIRS[name]. */
  systemDirs?: readonly string[];
}

export interface IdxPairPaths {
  images: string;
  labels: string;
}

/** Finds the image and label files of one split: `dir`, else system dirs, else cache, else download. */
export async function locateMnistLike(name: MnistLikeName, split: Split, opts: LocateOptions = {}): Promise<IdxPairPaths> {
  const files = IDX_FILES[split];
  const wanted = `${files.images}[.gz] and ${files.labels}[.gz]`;
  if (opts.dir !== undefined) {
    const found = await findPair(opts.dir, files.images, files.labels);
    if (found.images && found.labels) return found as IdxPairPaths;
    const missing = [files.images, files.labels].filter((f) => !(f === files.images ? found.images : found.labels));
    throw new Error(
      `${name} ${split}: ${missing.map((f) => `${f}[.gz]`).join(' and ')} not found in ${opts.dir} ` +
        `(the data dir must hold ${wanted}, gzipped or not)`,
    );
  }
  const cache = datasetCacheDir(name, opts.cacheDir);
  const dirs = [...(opts.systemDirs ?? SYSTEM_DATA_DIRS[name]), cache];
  for (const dir of dirs) {
    const found = await findPair(dir, files.images, files.labels);
    if (found.images && found.labels) return found as IdxPairPaths;
  }
  if (opts.download) {
    const found = await findPair(cache, files.images, files.labels);
    return {
      images: found.images ?? (await downloadIdxFile(name, files.images, cache, opts)),
      labels: found.labels ?? (await downloadIdxFile(name, files.labels, cache, opts)),
    };
  }
  throw new Error(
    `${name} ${split}: ${wanted} not found; looked in ${dirs.join(', ')}. ` +
      `Fix: ${INSTALL_HINTS[name]}, or pass --data-dir DIR (option dir) with the files, ` +
      `or pass --download (option download: true) to fetch them into ${cache}`,
  );
}

async function findPair(dir: string, images: IdxFileName, labels: IdxFileName): Promise<Partial<IdxPairPaths>> {
  return { images: await findIdxFile(dir, images), labels: await findIdxFile(dir, labels) };
}
