import { stat } from 'node:fs/promises';
import { knownFile, type DataSource, type SourceOptions } from './data-source';
import { fileChunks } from './file-chunks';
import { checkFileSize, FileHasher } from './known-file';
import type { LocatedSource } from './locate-source';
import { openTarFile } from './tar-file';
import type { TarEntry } from './tar-reader';

export interface MemberStream {
  /** Where the bytes come from, for messages: the file, or `archive:member`. */
  source: string;
  size: number;
  /**
   * The member's bytes in chunks. With verification on, the check runs when the stream ends (for an
   * archive after reading the rest of it), so a mismatch surfaces as an error from the last `next()`.
   * Returning early skips the check and closes the file.
   */
  chunks: AsyncGenerator<Uint8Array>;
}

/** Opens one (possibly huge) member for streaming, from a file on disk or from inside the archive. */
export async function openMemberStream(
  src: DataSource,
  located: LocatedSource,
  name: string,
  opts: Pick<SourceOptions, 'verify' | 'checksums'>,
): Promise<MemberStream> {
  const verify = opts.verify !== false;
  if (located.kind === 'files') {
    const path = located.paths[name];
    if (!path) throw new Error(`${src.dataset}: ${name} is missing`);
    const size = (await stat(path)).size;
    const expected = verify ? knownFile(src, name, opts) : undefined;
    if (expected) checkFileSize(path, src.dataset, name, expected, size);
    const hasher = expected && new FileHasher(path, src.dataset, name, expected);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield* fileChunks(path, hasher && ((c) => hasher.update(c)));
      hasher?.check();
    }
    return { source: path, size, chunks: chunks() };
  }

  const archive = located.path;
  const file = src.archive!.file;
  const expected = verify ? knownFile(src, file, opts) : undefined;
  if (verify && !expected) throw new Error(`${archive}: no checksum known for ${src.dataset} ${file}; pass verify: false to skip the check`);
  if (expected) checkFileSize(archive, src.dataset, file, expected, (await stat(archive)).size);
  const hasher = expected && new FileHasher(archive, src.dataset, file, expected);
  const tar = await openTarFile(archive, hasher && ((c) => hasher.update(c)));
  let entry: TarEntry | undefined;
  try {
    for await (const e of tar.entries) {
      if (e.type === 'file' && e.name.slice(e.name.lastIndexOf('/') + 1) === name) {
        entry = e;
        break;
      }
    }
  } catch (err) {
    await tar.close();
    throw err;
  }
  if (!entry) {
    await tar.close();
    throw new Error(`${archive}: ${name} not found in the archive${src.folder ? ` (expected under ${src.folder}/)` : ''}`);
  }
  const found = entry;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      yield* found.chunks();
      if (hasher) {
        await tar.finish();
        hasher.check();
      }
    } finally {
      await tar.close();
    }
  }
  return { source: `${archive}:${found.name}`, size: found.size, chunks: chunks() };
}
