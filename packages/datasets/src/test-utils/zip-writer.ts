import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipWriterEntry {
  name: string;
  /** Omit for a folder entry (name ending in "/"). */
  data?: Uint8Array;
  /** Default 'deflate'. */
  method?: 'store' | 'deflate';
}

export interface ZipWriterOptions {
  /** Write zip64 records and extra fields even though the sizes fit in 32 bits, to test that path. */
  zip64?: boolean;
  comment?: string;
}

/**
 * A minimal zip writer for fixtures: local headers, data, central directory, end record. Uses
 * zlib's own CRC-32, so the reader's CRC code is checked against an independent implementation.
 */
export function writeZip(entries: readonly ZipWriterEntry[], opts: ZipWriterOptions = {}): Uint8Array {
  const z64 = opts.zip64 ?? false;
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = e.data ?? new Uint8Array(0);
    const method = e.data === undefined || e.method === 'store' ? 0 : 8;
    const body = method === 8 ? deflateRawSync(raw) : Buffer.from(raw);
    const crc = crc32(raw);
    const localExtra = z64 ? extra64([raw.length, body.length]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(z64 ? 45 : 20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(z64 ? 0xffffffff : body.length, 18);
    local.writeUInt32LE(z64 ? 0xffffffff : raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    parts.push(local, name, localExtra, body);

    const cdExtra = z64 ? extra64([raw.length, body.length, offset]) : Buffer.alloc(0);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4);
    cd.writeUInt16LE(z64 ? 45 : 20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(z64 ? 0xffffffff : body.length, 20);
    cd.writeUInt32LE(z64 ? 0xffffffff : raw.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(cdExtra.length, 30);
    cd.writeUInt32LE(z64 ? 0xffffffff : offset, 42);
    central.push(cd, name, cdExtra);
    offset += local.length + name.length + localExtra.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (z64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(entries.length), 24);
    rec.writeBigUInt64LE(BigInt(entries.length), 32);
    rec.writeBigUInt64LE(BigInt(cdBytes.length), 40);
    rec.writeBigUInt64LE(BigInt(offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(offset + cdBytes.length), 8);
    loc.writeUInt32LE(1, 16);
    tail.push(rec, loc);
  }
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  // Without zip64, more than 65,535 entries wrap modulo 2^16, as some real writers do.
  eocd.writeUInt16LE(z64 ? 0xffff : entries.length % 0x10000, 8);
  eocd.writeUInt16LE(z64 ? 0xffff : entries.length % 0x10000, 10);
  eocd.writeUInt32LE(z64 ? 0xffffffff : cdBytes.length, 12);
  eocd.writeUInt32LE(z64 ? 0xffffffff : offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return new Uint8Array(Buffer.concat([...parts, cdBytes, ...tail, eocd, comment]));
}

function extra64(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}
