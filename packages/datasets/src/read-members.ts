import { stat } from 'node:fs/promises';
import { knownFile, type DataSource, type SourceOptions } from './data-source';
import { fileChunks } from './file-chunks';
import { checkFileSize, FileHasher } from './known-file';
import type { LocatedSource } from './locate-source';
import { openTarFile } from './tar-file';

/** One member of a dataset layout, from a file on disk or streamed out of an archive. */
export interface Member {
  /** Base name, e.g. `data_batch_1.bin`. */
  name: string;
  /** Where it came from, for error messages: the file, or `archive:member`. */
  source: string;
  size: number;
  /** The bytes in chunks; usable once. */
  chunks(): AsyncIterable<Uint8Array>;
  /** All bytes, for small members such as name lists; refuses more than `maxBytes`. */
  bytes(maxBytes: number): Promise<Uint8Array>;
}

/**
 * Calls `visit` for each member named in `want` that exists (archive order for archives, `want`
 * order for files), then throws if one of `required` was never seen. Parsing stops once every
 * wanted member was seen. With verification on, member files are checked against their own sizes
 * and hashes, and archives against the archive's: the rest of the archive is then read raw (not
 * decompressed) for the hash.
 */
export async function readMembers(
  src: DataSource,
  located: LocatedSource,
  want: readonly string[],
  required: readonly string[],
  opts: Pick<SourceOptions, 'verify' | 'checksums'>,
  visit: (m: Member) => Promise<void>,
): Promise<void> {
  const verify = opts.verify !== false;
  if (located.kind === 'files') {
    for (const name of want) {
      const path = located.paths[name];
      if (path) await visitFile(src, name, path, verify ? knownFile(src, name, opts) : undefined, visit);
      else if (required.includes(name)) throw new Error(`${src.dataset}: ${name} is missing`);
    }
    return;
  }

  const archive = located.path;
  const expected = verify ? knownFile(src, src.archive!.file, opts) : undefined;
  if (verify && !expected) throw new Error(`${archive}: no checksum known for ${src.dataset} ${src.archive!.file}; pass verify: false to skip the check`);
  if (expected) checkFileSize(archive, src.dataset, src.archive!.file, expected, (await stat(archive)).size);
  const hasher = expected ? new FileHasher(archive, src.dataset, src.archive!.file, expected) : undefined;
  const tar = await openTarFile(archive, hasher && ((c) => hasher.update(c)));
  const seen = new Set<string>();
  try {
    for await (const entry of tar.entries) {
      const name = entry.name.slice(entry.name.lastIndexOf('/') + 1);
      if (entry.type !== 'file' || !want.includes(name)) continue;
      if (seen.has(name)) throw new Error(`${archive}: the archive holds ${name} twice`);
      seen.add(name);
      const source = `${archive}:${entry.name}`;
      await visit({ name, source, size: entry.size, chunks: () => entry.chunks(), bytes: (max) => entry.bytes(max) });
      if (want.every((w) => seen.has(w))) break;
    }
    if (hasher) {
      await tar.finish();
      hasher.check();
    }
  } finally {
    await tar.close();
  }
  const missing = required.filter((r) => !seen.has(r));
  if (missing.length) {
    throw new Error(`${archive}: ${missing.join(', ')} not found in the archive${src.folder ? ` (expected under ${src.folder}/)` : ''}`);
  }
}

async function visitFile(
  src: DataSource,
  name: string,
  path: string,
  expected: ReturnType<typeof knownFile>,
  visit: (m: Member) => Promise<void>,
): Promise<void> {
  const size = (await stat(path)).size;
  if (expected) checkFileSize(path, src.dataset, name, expected, size);
  let hasher: FileHasher | undefined;
  let hashed = 0;
  const chunks = () => {
    hasher = expected ? new FileHasher(path, src.dataset, name, expected) : undefined;
    hashed = 0;
    return fileChunks(path, (c) => {
      hasher?.update(c);
      hashed += c.length;
    });
  };
  await visit({
    name,
    source: path,
    size,
    chunks,
    async bytes(maxBytes) {
      if (size > maxBytes) throw new Error(`${path}: ${size} bytes, more than the ${maxBytes} expected`);
      const out = new Uint8Array(size);
      let got = 0;
      for await (const c of chunks()) {
        if (got + c.length > size) throw new Error(`${path}: the file grew while being read`);
        out.set(c, got);
        got += c.length;
      }
      return out;
    },
  });
  if (!expected) return;
  // The visitor may have stopped early (a `limit`); hash the whole file again so the check covers it all.
  if (!hasher || hashed !== size) {
    hasher = new FileHasher(path, src.dataset, name, expected);
    for await (const c of fileChunks(path)) hasher.update(c);
  }
  hasher!.check();
}
