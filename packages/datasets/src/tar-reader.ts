import type { ByteReader } from './byte-reader';

export type TarEntryType = 'file' | 'directory' | 'link' | 'other';

export interface TarEntry {
  /** Path inside the archive, with ustar prefixes, GNU long names and pax `path` records applied. */
  name: string;
  /** Body size in bytes. */
  size: number;
  type: TarEntryType;
  /**
   * The body in chunks of at most 1 MiB (views; copy what you keep). Usable once, and only until
   * the next entry is requested; an unread body is skipped then.
   */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The whole body, for small members; refuses members over `maxBytes`. */
  bytes(maxBytes: number): Promise<Uint8Array>;
}

const BLOCK = 512;
const BODY_CHUNK = 1 << 20;
/** Long names and pax headers are metadata; anything bigger is corrupt, not a reason to allocate. */
const MAX_META_BYTES = 1 << 20;
const NO_DATA_TYPES = new Set(['1', '2', '3', '4', '5', '6']);
const utf8 = new TextDecoder();

export interface ReadTarOptions {
  /**
   * The most body bytes the stream can hold (for a file: its size, times gzip's maximum expansion when
   * compressed). A header claiming more is rejected at once, so no caller sizes an array from a lying header.
   */
  maxMemberBytes?: number;
}

/**
 * Members of a tar archive in stored order, streamed from `reader` (ustar, GNU and pax formats;
 * GNU `L`/`K` long names, pax `path`/`size`, base-256 sizes). Nothing is extracted or buffered
 * beyond the current header, so memory does not grow with the archive. Errors name `reader.label`.
 */
export async function* readTar(reader: ByteReader, opts: ReadTarOptions = {}): AsyncGenerator<TarEntry> {
  const maxMemberBytes = opts.maxMemberBytes ?? Number.MAX_SAFE_INTEGER;
  const label = reader.label;
  let pending = 0; // unread body + padding of the previous entry
  let pendingName = '';
  let longName: string | undefined;
  let paxPath: string | undefined;
  let paxSize: number | undefined;
  let generation = 0;
  for (;;) {
    await reader.skip(pending, `member ${pendingName}`);
    pending = 0;
    generation++;
    // An archive that ends on a member boundary without the two zero blocks is accepted, as GNU tar does.
    if (await reader.atEnd()) return;
    const at = reader.offset;
    const header = await reader.read(BLOCK, 'tar header');
    if (header.every((b) => b === 0)) return;
    checkHeaderSum(header, label, at);
    const typeflag = header[156] === 0 ? '0' : String.fromCharCode(header[156]);
    const headerSize = parseNumber(header, 124, 12, `size field of the header at byte ${at}`, label);
    const size = typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K' ? headerSize : (paxSize ?? headerSize);
    const hasData = !NO_DATA_TYPES.has(typeflag);
    const body = hasData ? size : 0;
    if (body > maxMemberBytes) {
      throw new Error(`${label}: the tar header at byte ${at} claims ${body} bytes, more than the ${maxMemberBytes} this archive can hold; it is corrupt`);
    }
    const padded = body + ((BLOCK - (body % BLOCK)) % BLOCK);

    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g') {
      if (size > MAX_META_BYTES) {
        throw new Error(`${label}: tar metadata entry at byte ${at} claims ${size} bytes (limit ${MAX_META_BYTES}); the archive is corrupt`);
      }
      const data = await reader.read(size, `tar ${typeflag} entry at byte ${at}`);
      await reader.skip(padded - size, `padding of the tar ${typeflag} entry at byte ${at}`);
      if (typeflag === 'L') longName = cString(data, 0, data.length);
      else if (typeflag === 'x') ({ path: paxPath, size: paxSize } = parsePax(data, label, at));
      continue;
    }

    const name = longName ?? paxPath ?? headerName(header);
    longName = paxPath = paxSize = undefined;
    const type: TarEntryType =
      typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : typeflag === '1' || typeflag === '2' ? 'link' : 'other';
    let left = body;
    const mine = generation;
    let started = false;
    pending = padded;
    pendingName = name;
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      if (mine !== generation) throw new Error(`${label}: member ${name} was read after the archive moved past it`);
      if (started) throw new Error(`${label}: member ${name} can be read only once`);
      started = true;
      while (left > 0) {
        if (mine !== generation) throw new Error(`${label}: member ${name} was read after the archive moved past it`);
        const part = await reader.readSome(Math.min(left, BODY_CHUNK));
        if (!part) throw new Error(`${label}: truncated inside member ${name}: expected ${body} bytes, got ${body - left}`);
        left -= part.length;
        pending -= part.length;
        yield part;
      }
    };
    yield {
      name,
      size: body,
      type,
      chunks,
      async bytes(maxBytes: number): Promise<Uint8Array> {
        if (body > maxBytes) throw new Error(`${label}: member ${name} has ${body} bytes, more than the ${maxBytes} expected`);
        const out = new Uint8Array(body);
        let got = 0;
        for await (const part of chunks()) {
          out.set(part, got);
          got += part.length;
        }
        return out;
      },
    };
  }
}

function checkHeaderSum(h: Uint8Array, label: string, at: number): void {
  const stored = parseNumber(h, 148, 8, `checksum field of the header at byte ${at}`, label);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new Error(`${label}: bad tar header checksum at byte ${at} (stored ${stored}, computed ${unsigned}); the archive is corrupt or not a tar file`);
  }
}

/** Octal text (NUL/space padded) or GNU base-256 when the top bit of the first byte is set. */
function parseNumber(h: Uint8Array, off: number, len: number, what: string, label: string): number {
  if (h[off] & 0x80) {
    if (h[off] === 0xff) throw new Error(`${label}: negative ${what}`);
    let v = h[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + h[off + i];
    if (!Number.isSafeInteger(v)) throw new Error(`${label}: ${what} is too large (${v})`);
    return v;
  }
  const text = cString(h, off, len).trim();
  if (!/^[0-7]*$/.test(text)) throw new Error(`${label}: ${what} is not an octal number ("${text}"); the archive is corrupt or not a tar file`);
  return text === '' ? 0 : parseInt(text, 8);
}

function headerName(h: Uint8Array): string {
  const name = cString(h, 0, 100);
  // POSIX ustar ("ustar\0" + "00") stores a prefix; GNU's "ustar  \0" uses those bytes for other fields.
  const posix = h[257] === 0x75 && h[262] === 0 && cString(h, 257, 5) === 'ustar';
  const prefix = posix ? cString(h, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return utf8.decode(b.subarray(off, end));
}

/** pax records: "<len> <key>=<value>\n". Only path and size matter here. */
function parsePax(data: Uint8Array, label: string, at: number): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let pos = 0;
  while (pos < data.length) {
    let sp = pos;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const len = Number(utf8.decode(data.subarray(pos, sp)));
    if (!Number.isInteger(len) || len <= sp - pos || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new Error(`${label}: malformed pax header record in the entry at byte ${at}`);
    }
    const record = utf8.decode(data.subarray(sp + 1, pos + len - 1));
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new Error(`${label}: bad pax size "${value}" at byte ${at}`);
      out.size = Number(value);
    }
    pos += len;
  }
  return out;
}
