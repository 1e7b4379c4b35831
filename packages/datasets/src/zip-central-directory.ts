import type { ByteSource } from './zip-source';

/** One file or folder in a zip, as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; others are reported when read. */
  method: number;
  /** General-purpose bit flags; bit 0 = encrypted. */
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

export interface CentralDirectory {
  entries: ZipEntry[];
  /** Where the central directory starts; every entry's data must end before it. */
  offset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const EOCD_SIZE = 22;
const CENTRAL_HEADER_SIZE = 46;
const MAX_COMMENT = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

const utf8 = new TextDecoder('utf-8');

/**
 * Reads the end record(s) and the central directory. Every count and size is checked against the
 * bytes actually present before anything is allocated, so a corrupt header cannot ask for gigabytes.
 */
export function readCentralDirectory(src: ByteSource): CentralDirectory {
  const fail = (what: string): never => {
    throw new Error(`${src.name}: ${what}`);
  };
  if (src.size < EOCD_SIZE) fail(`only ${src.size} bytes: not a zip file, or truncated`);
  const tailLength = Math.min(src.size, EOCD_SIZE + MAX_COMMENT);
  const tailStart = src.size - tailLength;
  const tail = src.read(tailStart, tailLength);
  const tv = view(tail);
  let at = -1;
  for (let i = tailLength - EOCD_SIZE; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG && i + EOCD_SIZE + tv.getUint16(i + 20, true) <= tailLength) {
      at = i;
      break;
    }
  }
  if (at < 0) fail('no end-of-central-directory record: not a zip file, or truncated');
  const eocdPos = tailStart + at;
  const disk = tv.getUint16(at + 4, true);
  const cdDisk = tv.getUint16(at + 6, true);
  let onDisk = tv.getUint16(at + 8, true);
  let count = tv.getUint16(at + 10, true);
  let cdSize = tv.getUint32(at + 12, true);
  let cdOffset = tv.getUint32(at + 16, true);
  let cdEnd = eocdPos;

  // Only when a 32-bit field is saturated: bytes that merely look like a locator must not override valid values.
  const needs64 = count === U16_MAX || onDisk === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX;
  const locatorPos = eocdPos - 20;
  const hasLocator = needs64 && locatorPos >= 0 && view(src.read(locatorPos, 4)).getUint32(0, true) === ZIP64_LOCATOR_SIG;
  if (hasLocator) {
    const loc = view(src.read(locatorPos, 20));
    const recordPos = u64(loc, 8, 'zip64 end record offset', fail);
    if (recordPos + 56 > locatorPos) fail(`zip64 end record offset ${recordPos} lies past the locator at ${locatorPos} (corrupt archive)`);
    const rec = view(src.read(recordPos, 56));
    if (rec.getUint32(0, true) !== ZIP64_EOCD_SIG) fail(`no zip64 end-of-central-directory record at offset ${recordPos} (corrupt archive)`);
    if (rec.getUint32(16, true) !== 0 || rec.getUint32(20, true) !== 0) fail('multi-disk (split) archives are not supported');
    onDisk = u64(rec, 24, 'zip64 entry count', fail);
    count = u64(rec, 32, 'zip64 entry count', fail);
    cdSize = u64(rec, 40, 'zip64 central directory size', fail);
    cdOffset = u64(rec, 48, 'zip64 central directory offset', fail);
    cdEnd = recordPos;
  } else if (needs64) {
    fail('the end record needs zip64 values but there is no zip64 locator (corrupt or truncated archive)');
  } else if (disk !== 0 || cdDisk !== 0) {
    fail('multi-disk (split) archives are not supported');
  }
  if (onDisk !== count) fail(`end record says ${onDisk} entries on this disk but ${count} in total (split or corrupt archive)`);
  if (cdOffset + cdSize > cdEnd) {
    fail(`central directory (${cdSize} bytes at offset ${cdOffset}) runs past its end record at ${cdEnd} (truncated or corrupt archive)`);
  }
  if (count * CENTRAL_HEADER_SIZE > cdSize) {
    fail(`end record claims ${count} entries but the central directory holds only ${cdSize} bytes (corrupt archive)`);
  }

  // Parse by size, not by count: some writers store a count of more than 65,535 entries modulo 2^16
  // without zip64 records (Tiny-ImageNet's zip holds ~120k entries), and trusting it would silently
  // drop entries.
  const cd = src.read(cdOffset, cdSize);
  const dv = view(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; p < cd.length; k++) {
    if (p + CENTRAL_HEADER_SIZE > cd.length || dv.getUint32(p, true) !== CENTRAL_SIG) {
      fail(`central directory entry ${k} (of ${count} recorded) is missing or corrupt at offset ${cdOffset + p}`);
    }
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const end = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
    if (end > cd.length) fail(`central directory entry ${k} runs past the end of the directory (corrupt archive)`);
    const name = utf8.decode(cd.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLen));
    const entry: ZipEntry = {
      name,
      method: dv.getUint16(p + 10, true),
      flags: dv.getUint16(p + 8, true),
      crc32: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true),
      uncompressedSize: dv.getUint32(p + 24, true),
      localHeaderOffset: dv.getUint32(p + 42, true),
      isDirectory: name.endsWith('/'),
    };
    const diskStart = dv.getUint16(p + 34, true);
    const extraStart = p + CENTRAL_HEADER_SIZE + nameLen;
    applyZip64Extra(entry, diskStart, view(cd.subarray(extraStart, extraStart + extraLen)), (what) => fail(`entry "${name}": ${what}`));
    if (entry.localHeaderOffset + 30 > cdOffset) {
      fail(`entry "${name}": local header offset ${entry.localHeaderOffset} lies inside or past the central directory (corrupt archive)`);
    }
    entries.push(entry);
    p = end;
  }
  const wrapped = !hasLocator && entries.length > U16_MAX && entries.length % 0x10000 === count;
  if (entries.length !== count && !wrapped) {
    fail(`end record says ${count} entries but the central directory holds ${entries.length} (corrupt archive)`);
  }
  return { entries, offset: cdOffset };
}

/** Replaces 0xFFFFFFFF sizes/offset with their 64-bit values from the zip64 extra field (id 1). */
function applyZip64Extra(entry: ZipEntry, diskStart: number, extra: DataView, fail: (what: string) => never): void {
  const wanted: ('uncompressedSize' | 'compressedSize' | 'localHeaderOffset')[] = [];
  if (entry.uncompressedSize === U32_MAX) wanted.push('uncompressedSize');
  if (entry.compressedSize === U32_MAX) wanted.push('compressedSize');
  if (entry.localHeaderOffset === U32_MAX) wanted.push('localHeaderOffset');
  if (wanted.length === 0 && diskStart !== U16_MAX) {
    if (diskStart !== 0) fail('multi-disk (split) archives are not supported');
    return;
  }
  for (let q = 0; q + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(q, true);
    const size = extra.getUint16(q + 2, true);
    if (q + 4 + size > extra.byteLength) break;
    if (id === 0x0001) {
      if (size < wanted.length * 8) fail(`zip64 extra field has ${size} bytes, needs ${wanted.length * 8} (corrupt archive)`);
      wanted.forEach((field, i) => (entry[field] = u64(extra, q + 4 + i * 8, `zip64 ${field}`, fail)));
      return;
    }
    q += 4 + size;
  }
  if (wanted.length > 0) fail(`sizes need a zip64 extra field but there is none (corrupt archive)`);
}

function u64(dv: DataView, at: number, what: string, fail: (what: string) => never): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${v} is too large (corrupt archive)`);
  return Number(v);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}
