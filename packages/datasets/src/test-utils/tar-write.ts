/** How a writer stores names over 100 bytes: GNU `L` entry, pax `path` record, or the ustar prefix field. */
export type LongNameStyle = 'gnu' | 'pax' | 'prefix';

export interface TarInput {
  name: string;
  data?: Uint8Array;
  /** Typeflag character; default '0' (file), '5' for directories. */
  type?: string;
  longName?: LongNameStyle;
}

const BLOCK = 512;
const enc = new TextEncoder();

/** One 512-byte header. `gnu` writes GNU magic ("ustar  \0"), otherwise POSIX ustar with `prefix`. */
export function tarHeader(name: string, size: number, type = '0', opts: { gnu?: boolean; prefix?: string } = {}): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const put = (off: number, len: number, text: string) => h.set(enc.encode(text).subarray(0, len), off);
  const octal = (off: number, len: number, v: number) => put(off, len, v.toString(8).padStart(len - 1, '0') + '\0');
  put(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  if (size < 8 ** 11) octal(124, 12, size);
  else {
    // GNU base-256 for sizes over 8 GiB.
    h[124] = 0x80;
    for (let i = 135, v = size; i > 124; i--, v = Math.floor(v / 256)) h[i] = v % 256;
  }
  octal(136, 12, 1_700_000_000);
  h[156] = type.charCodeAt(0);
  if (opts.gnu) put(257, 8, 'ustar  \0');
  else {
    put(257, 6, 'ustar\0');
    put(263, 2, '00');
    if (opts.prefix) put(345, 155, opts.prefix);
  }
  return setTarChecksum(h);
}

/** Rewrites the checksum field of the header at `at` (after a test edits other fields). */
export function setTarChecksum(archive: Uint8Array, at = 0): Uint8Array {
  const h = archive.subarray(at, at + BLOCK);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(enc.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return archive;
}

/** Header, data and zero padding of one entry (plus its long-name entry when needed). */
export function tarEntryBytes(e: TarInput): Uint8Array[] {
  const data = e.data ?? new Uint8Array(0);
  const parts: Uint8Array[] = [];
  const type = e.type ?? '0';
  let name = e.name;
  let prefix: string | undefined;
  if (enc.encode(name).length > 100) {
    const style = e.longName ?? 'gnu';
    if (style === 'gnu') {
      parts.push(...tarEntryBytes({ name: '././@LongLink', type: 'L', data: enc.encode(`${name}\0`) }));
      name = name.slice(0, 100);
    } else if (style === 'pax') {
      parts.push(...tarEntryBytes({ name: 'PaxHeader', type: 'x', data: paxRecord('path', name) }));
      name = name.slice(0, 100);
    } else {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
  }
  parts.push(tarHeader(name, data.length, type, { gnu: e.longName === 'gnu', prefix }), data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK));
  return parts;
}

/** A whole archive in memory, ending with the two zero blocks unless `endBlocks` is false. */
export function tarBytes(entries: readonly TarInput[], opts: { endBlocks?: boolean } = {}): Uint8Array {
  const parts = entries.flatMap(tarEntryBytes);
  if (opts.endBlocks !== false) parts.push(new Uint8Array(2 * BLOCK));
  return concat(parts);
}

/** A pax "<len> key=value\n" record; len counts itself. */
export function paxRecord(key: string, value: string): Uint8Array {
  const body = ` ${key}=${value}\n`;
  let len = enc.encode(body).length + 1;
  while (String(len).length + enc.encode(body).length !== len) len++;
  return enc.encode(`${len}${body}`);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
