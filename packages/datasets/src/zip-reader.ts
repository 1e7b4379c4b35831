import { inflateRawSync } from 'node:zlib';
import { asPlainBytes } from './bytes';
import { readCentralDirectory, type ZipEntry } from './zip-central-directory';
import { crc32 } from './zip-crc32';
import { fileSource, memorySource, type ByteSource } from './zip-source';

export interface ZipOptions {
  /** Refuse entries claiming more than this many bytes uncompressed (zip-bomb guard). Default 1 GiB. */
  maxEntryBytes?: number;
}

/** A zip opened for random access: the directory is in memory, entry data is read on demand. */
export interface ZipArchive {
  readonly name: string;
  readonly entries: readonly ZipEntry[];
  /** The entry called exactly `name` (the first one if the archive repeats a name). */
  entry(name: string): ZipEntry | undefined;
  /** The entry's bytes, after checking its sizes and CRC-32. */
  read(entry: ZipEntry | string): Uint8Array;
  close(): void;
}

const LOCAL_SIG = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const DEFAULT_MAX_ENTRY_BYTES = 2 ** 30;

/** Opens a zip file through one file descriptor; nothing is extracted to disk. Call close() when done. */
export function openZip(path: string, opts: ZipOptions = {}): ZipArchive {
  const src = fileSource(path);
  try {
    return zipFromSource(src, opts);
  } catch (err) {
    src.close();
    throw err;
  }
}

export function openZipBytes(bytes: Uint8Array, name = 'zip in memory', opts: ZipOptions = {}): ZipArchive {
  return zipFromSource(memorySource(bytes, name), opts);
}

export function zipFromSource(src: ByteSource, opts: ZipOptions = {}): ZipArchive {
  const maxEntryBytes = opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const dir = readCentralDirectory(src);
  const byName = new Map<string, ZipEntry>();
  for (const e of dir.entries) if (!byName.has(e.name)) byName.set(e.name, e);
  return {
    name: src.name,
    entries: dir.entries,
    entry: (name) => byName.get(name),
    read(entryOrName) {
      const entry = typeof entryOrName === 'string' ? byName.get(entryOrName) : entryOrName;
      if (!entry) throw new Error(`${src.name}: no entry named "${String(entryOrName)}"`);
      return readEntry(src, entry, dir.offset, maxEntryBytes);
    },
    close: () => src.close(),
  };
}

function readEntry(src: ByteSource, entry: ZipEntry, dataLimit: number, maxEntryBytes: number): Uint8Array {
  const fail = (what: string): never => {
    throw new Error(`${src.name}: entry "${entry.name}": ${what}`);
  };
  if (entry.flags & 1) fail('is encrypted, which is not supported');
  if (entry.method !== 0 && entry.method !== 8) fail(`uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  if (entry.uncompressedSize > maxEntryBytes) {
    fail(`claims ${entry.uncompressedSize} bytes uncompressed, more than maxEntryBytes ${maxEntryBytes} (corrupt archive or zip bomb)`);
  }
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) {
    fail(`is stored but its sizes differ (${entry.compressedSize} vs ${entry.uncompressedSize}; corrupt archive)`);
  }
  const h = src.read(entry.localHeaderOffset, LOCAL_HEADER_SIZE);
  const header = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (header.getUint32(0, true) !== LOCAL_SIG) fail(`no local file header at offset ${entry.localHeaderOffset} (corrupt archive)`);
  const nameLen = header.getUint16(26, true);
  const extraLen = header.getUint16(28, true);
  const nameStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE;
  const dataStart = nameStart + nameLen + extraLen;
  if (dataStart + entry.compressedSize > dataLimit) {
    fail(`data (${entry.compressedSize} bytes at offset ${dataStart}) runs into the central directory at ${dataLimit} (truncated or corrupt archive)`);
  }
  const block = src.read(nameStart, nameLen + extraLen + entry.compressedSize);
  const localName = Buffer.from(block.buffer, block.byteOffset, nameLen).toString('utf8');
  if (localName !== entry.name) fail(`local header names "${localName}" (corrupt archive)`);
  const raw = block.subarray(nameLen + extraLen);

  let data: Uint8Array;
  if (entry.method === 0) {
    data = raw.slice();
  } else {
    try {
      // The cap makes a lying size field fail here instead of allocating what the deflate stream expands to.
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') fail(`inflates to more than the ${entry.uncompressedSize} bytes recorded (corrupt archive)`);
      return fail(`deflate data is corrupt (${msg})`);
    }
  }
  if (data.length !== entry.uncompressedSize) fail(`inflated to ${data.length} bytes, expected ${entry.uncompressedSize} (corrupt archive)`);
  const actual = crc32(data);
  if (actual !== entry.crc32) fail(`CRC-32 mismatch: expected ${hex(entry.crc32)}, found ${hex(actual)} (corrupt archive)`);
  return asPlainBytes(data);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
