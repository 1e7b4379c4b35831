import type { DownloadProgress } from './download-progress';
import type { KnownFile } from './known-file';

/** A file that can be downloaded: official size/hashes plus the URLs tried in order. */
export interface RemoteFile extends KnownFile {
  file: string;
  urls: readonly string[];
}

/** One file of a dataset's official layout; `bytes`/hashes when published, `urls` when fetched on its own. */
export interface MemberInfo extends Partial<KnownFile> {
  urls?: readonly string[];
}

/**
 * Where a dataset's official files come from: either members inside an archive (CIFAR, STL-10),
 * also accepted already extracted, or files downloaded one by one (SVHN).
 */
export interface DataSource {
  /** Names the cache folder `<cacheDir>/<dataset>/` and error messages. */
  dataset: string;
  archive?: RemoteFile;
  /** Top folder inside the archive; a data dir may hold the members directly or inside this folder. */
  folder?: string;
  members: Readonly<Record<string, MemberInfo>>;
  /** How to get the files by hand, for "not found" errors. */
  hint: string;
}

/** Where to look and whether to fetch; shared by every official-format loader. */
export interface SourceOptions {
  /** Use only this directory (members, extracted folder or archive); nothing else is searched or downloaded. */
  dir?: string;
  /** Cache root; files live in `<cacheDir>/<dataset>/`. Default `$FLOAT_CACHE_DIR` or `~/.cache/floatjs/datasets`. */
  cacheDir?: string;
  /** Fetch missing files into the cache. Default false, so nothing touches the network unasked. */
  download?: boolean;
  /** Default true: check official sizes and hashes. Pass false for modified or generated files. */
  verify?: boolean;
  /** Replaces built-in size/hash entries by file name (private mirrors, test fixtures). */
  checksums?: Readonly<Record<string, KnownFile>>;
  /** Base URLs replacing the official ones; `<base><file>` is fetched. */
  mirrors?: readonly string[];
  fetch?: typeof fetch;
  onProgress?: (p: DownloadProgress) => void;
}

/** The official size/hash of `file`, with `checksums` overrides applied. */
export function knownFile(src: DataSource, file: string, opts: Pick<SourceOptions, 'checksums'>): KnownFile | undefined {
  const override = opts.checksums?.[file];
  if (override) return override;
  const info = src.archive?.file === file ? src.archive : src.members[file];
  if (!info || info.bytes === undefined || (!info.md5 && !info.sha256)) return undefined;
  return { bytes: info.bytes, md5: info.md5, sha256: info.sha256 };
}
