import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetCacheDir } from './cache-dir';
import { knownFile, type DataSource, type SourceOptions } from './data-source';
import { downloadFile } from './download-file';
import { describeKnownFile } from './known-file';

/** Members on disk (found directly or in the archive's folder), or the archive to stream them from. */
export type LocatedSource =
  | { kind: 'files'; paths: Readonly<Record<string, string>> }
  | { kind: 'archive'; path: string };

/**
 * Finds the `need`ed members of `src`: only in `opts.dir` when given; else in `<cacheDir>/<dataset>/`,
 * then by download into that cache when `opts.download`. Extracted members win over the archive
 * because they need no decompression. `optional` members (name lists) are reported when present.
 * `what` (e.g. "cifar10 train") starts error messages.
 */
export async function locateSource(
  src: DataSource,
  need: readonly string[],
  what: string,
  opts: SourceOptions = {},
  optional: readonly string[] = [],
): Promise<LocatedSource> {
  const cache = datasetCacheDir(src.dataset, opts.cacheDir);
  const dirs = opts.dir !== undefined ? [opts.dir] : [cache];
  const partial: string[] = [];
  for (const dir of dirs) {
    const found = await findIn(src, dir, [...need, ...optional]);
    const missing = need.filter((m) => !found[m]);
    if (missing.length === 0) return { kind: 'files', paths: found };
    if (src.archive && (await isFile(join(dir, src.archive.file)))) return { kind: 'archive', path: join(dir, src.archive.file) };
    if (missing.length < need.length) partial.push(`${dir} has ${need.filter((m) => found[m]).join(', ')} but not ${missing.join(', ')}`);
  }
  if (opts.download && opts.dir === undefined) return download(src, need, cache, opts);
  const looked = opts.dir !== undefined ? `looked only in ${opts.dir} (option dir)` : `looked in ${cache}`;
  throw new Error(
    `${what}: files not found; ${looked}${partial.length ? ` (${partial.join('; ')})` : ''}. ${expectedFiles(src, need, opts)}. ` +
      `Fix: ${src.hint}, then pass --data-dir DIR (option dir) with those files` +
      (opts.dir === undefined ? `, or pass --download (option download: true) to fetch them into ${cache}` : ''),
  );
}

/** Human list of what the loader accepts, with sizes, hashes and URLs. */
function expectedFiles(src: DataSource, need: readonly string[], opts: SourceOptions): string {
  const members = need.map((m) => {
    const k = knownFile(src, m, opts);
    return k ? `${m} (${describeKnownFile(k)})` : m;
  });
  const where = src.folder ? `directly or in a ${src.folder}/ folder` : 'in the folder';
  let text = `Expected ${members.join(', ')} ${where}`;
  if (src.archive) {
    const k = knownFile(src, src.archive.file, opts)!;
    text += `, or the archive ${src.archive.file} (${describeKnownFile(k)}) from ${src.archive.urls.join(' or ')}`;
  } else {
    const urls = need.flatMap((m) => src.members[m]?.urls ?? []);
    if (urls.length) text += `, from ${urls.join(', ')}`;
  }
  return text;
}

async function findIn(src: DataSource, dir: string, names: readonly string[]): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const name of names) {
    for (const candidate of src.folder ? [join(dir, name), join(dir, src.folder, name)] : [join(dir, name)]) {
      if (await isFile(candidate)) {
        found[name] = candidate;
        break;
      }
    }
  }
  return found;
}

async function download(src: DataSource, need: readonly string[], cache: string, opts: SourceOptions): Promise<LocatedSource> {
  const urlsFor = (file: string, official: readonly string[]) => (opts.mirrors ? opts.mirrors.map((base) => base + file) : official);
  const dl = { fetch: opts.fetch, onProgress: opts.onProgress, verify: opts.verify };
  if (src.archive) {
    const { file, urls } = src.archive;
    return { kind: 'archive', path: await downloadFile(src.dataset, file, urlsFor(file, urls), cache, knownFile(src, file, opts), dl) };
  }
  const found = await findIn(src, cache, need);
  const paths: Record<string, string> = {};
  for (const m of need) {
    const urls = src.members[m]?.urls;
    if (!found[m] && !urls) throw new Error(`${src.dataset}: ${m} has no download URL; get it by hand: ${src.hint}`);
    paths[m] = found[m] ?? (await downloadFile(src.dataset, m, urlsFor(m, urls!), cache, knownFile(src, m, opts), dl));
  }
  return { kind: 'files', paths };
}

/**
 * True for a regular file, false when nothing is there. Anything else under a data file's name (a FIFO, which
 * would block the first read forever, /dev/zero, a directory) is refused by name rather than reported missing.
 */
async function isFile(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return false;
  if (!st.isFile()) throw new Error(`${path}: not a regular file (a FIFO, device or directory) where a dataset file is expected`);
  return true;
}
