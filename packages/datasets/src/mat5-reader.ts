import { ByteReader } from './byte-reader';
import { decompressChunks } from './decompress-chunks';

/** One variable of a MAT-file, with its header parsed and its real part not yet read. */
export interface MatVariable {
  name: string;
  /** MATLAB class: 6 double, 7 single, 8–15 int8 … uint64; 1–5 (cell, struct, object, char, sparse) have no readable data here. */
  classId: number;
  className: string;
  /** MATLAB dimensions, e.g. [32, 32, 3, N]; data is column-major (first index fastest). */
  dims: number[];
  numel: number;
  complex: boolean;
  /** Storage type of the real part (2 miUINT8, 9 miDOUBLE, …); MATLAB may store a class in a narrower type. */
  dataType: number;
  /** Bytes of the real part. */
  dataBytes: number;
  littleEndian: boolean;
  /** The real part in chunks (views). Usable once, and only until the next variable is requested. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The real part as numbers, whatever its storage type; refuses more than `maxElements`. */
  numbers(maxElements: number): Promise<Float64Array>;
}

export interface ReadMatOptions {
  /** Size of the whole file when known; uncompressed variables claiming more are rejected before any allocation. */
  size?: number;
}

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
/** Bytes per element of the numeric storage types (miINT8 … miUINT64). */
const TYPE_SIZE: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8 };
const CLASS_NAMES = ['', 'cell', 'struct', 'object', 'char', 'sparse', 'double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];
/** deflate cannot expand data more than ~1032:1, so a bigger claim is corrupt and must not be allocated. */
const MAX_INFLATE_RATIO = 1032;
const MAX_HEADER_FIELD = 4096;
const MAX_DIMS = 32;

/**
 * Variables of a MATLAB Level 5 MAT-file (v5 to v7, not v7.3/HDF5), streamed from `reader`:
 * miCOMPRESSED elements are inflated incrementally and variables nobody reads are skipped without
 * inflating their data, so memory stays at about one chunk beyond what the consumer keeps.
 */
export async function* readMat(reader: ByteReader, opts: ReadMatOptions = {}): AsyncGenerator<MatVariable> {
  const label = reader.label;
  const header = await reader.read(128, 'MAT-file header');
  const text = new TextDecoder('latin1').decode(header.subarray(0, 116));
  if (text.startsWith('MATLAB 7.3')) throw new Error(`${label}: MAT-file v7.3 (HDF5) is not supported; save it with -v7 or scipy.io.savemat`);
  if (!text.startsWith('MATLAB 5.0 MAT-file')) throw new Error(`${label}: not a MATLAB 5.0 MAT-file (header starts "${text.slice(0, 20)}")`);
  const endian = String.fromCharCode(header[126], header[127]);
  if (endian !== 'IM' && endian !== 'MI') throw new Error(`${label}: bad MAT-file endian indicator "${endian}"`);
  const le = endian === 'IM';
  const version = new DataView(header.buffer, header.byteOffset + 124, 2).getUint16(0, le);
  if (version !== 0x0100) throw new Error(`${label}: unsupported MAT-file version 0x${version.toString(16)}, expected 0x0100`);

  for (;;) {
    if (await reader.atEnd()) return;
    const at = reader.offset;
    const tag = await reader.read(8, `data element tag at byte ${at}`);
    const { type, bytes, small } = parseTag(tag, le);
    const end = at + 8 + (small ? 0 : bytes);
    if (!small && opts.size !== undefined && end > opts.size) {
      throw new Error(`${label}: data element at byte ${at} claims ${bytes} bytes, past the end of the ${opts.size}-byte file`);
    }
    if (type === MI_COMPRESSED && !small) {
      const where = `${label} (compressed element at byte ${at})`;
      const inner = new ByteReader(decompressChunks(slice(reader, bytes, `compressed element at byte ${at}`), 'zlib', where), where);
      try {
        const innerTag = parseTag(await inner.read(8, 'compressed element tag'), le);
        if (innerTag.type === MI_MATRIX && !innerTag.small) {
          const limit = bytes * MAX_INFLATE_RATIO + 4096;
          if (innerTag.bytes > limit) {
            throw new Error(`${where}: variable claims ${innerTag.bytes} bytes, impossible from ${bytes} compressed bytes; the file is corrupt`);
          }
          yield await parseMatrix(inner, innerTag.bytes, le, where);
        }
      } finally {
        await inner.close();
      }
    } else if (type === MI_MATRIX && !small) {
      yield await parseMatrix(reader, bytes, le, `${label} (variable at byte ${at})`);
    }
    // Skip whatever the consumer left, then the padding that aligns uncompressed elements to 8 bytes.
    const padded = type === MI_COMPRESSED || small ? end : end + ((8 - ((end - at) % 8)) % 8);
    await reader.skip(padded - reader.offset, `data element at byte ${at}`);
  }
}

function parseTag(tag: Uint8Array, le: boolean): { type: number; bytes: number; small: Uint8Array | undefined } {
  const v = new DataView(tag.buffer, tag.byteOffset, 8);
  const first = v.getUint32(0, le);
  // Small data element: type and size share the first word and up to 4 data bytes follow in the tag.
  if (first >>> 16 !== 0) {
    const bytes = first >>> 16;
    return { type: first & 0xffff, bytes, small: tag.subarray(4, 4 + Math.min(bytes, 4)) };
  }
  return { type: first, bytes: v.getUint32(4, le), small: undefined };
}

/** Exactly `n` bytes of `reader` as a stream, never reading past them. */
async function* slice(reader: ByteReader, n: number, what: string): AsyncGenerator<Uint8Array> {
  let left = n;
  while (left > 0) {
    const part = await reader.readSome(left);
    if (!part) throw new Error(`${reader.label}: truncated inside the ${what}: expected ${n} bytes, got ${n - left}`);
    left -= part.length;
    yield part;
  }
}

async function parseMatrix(r: ByteReader, size: number, le: boolean, where: string): Promise<MatVariable> {
  const start = r.offset;
  const field = async (what: string, wantType?: number) => {
    const tag = parseTag(await r.read(8, `${what} tag`), le);
    if (wantType !== undefined && tag.type !== wantType) throw new Error(`${where}: ${what} has data type ${tag.type}, expected ${wantType}`);
    if (tag.small) return { ...tag, data: tag.small };
    if (tag.bytes > MAX_HEADER_FIELD) throw new Error(`${where}: ${what} claims ${tag.bytes} bytes; the file is corrupt`);
    const data = (await r.read(tag.bytes + ((8 - (tag.bytes % 8)) % 8), what)).subarray(0, tag.bytes);
    return { ...tag, data: data.slice() };
  };
  const flags = await field('array flags', 6);
  if (flags.data.length !== 8) throw new Error(`${where}: array flags have ${flags.data.length} bytes, expected 8`);
  const flagWord = new DataView(flags.data.buffer, flags.data.byteOffset, 8).getUint32(0, le);
  const classId = flagWord & 0xff;
  const complex = (flagWord & 0x0800) !== 0;
  const dimsField = await field('dimensions', 5);
  const nd = dimsField.data.length / 4;
  if (!Number.isInteger(nd) || nd < 2 || nd > MAX_DIMS) throw new Error(`${where}: ${dimsField.data.length} bytes of dimensions, expected 2 to ${MAX_DIMS} int32 values`);
  const dv = new DataView(dimsField.data.buffer, dimsField.data.byteOffset, dimsField.data.length);
  const dims = Array.from({ length: nd }, (_, i) => dv.getInt32(4 * i, le));
  if (dims.some((d) => d < 0)) throw new Error(`${where}: negative dimension in ${dims.join('×')}`);
  const numel = dims.reduce((a, b) => a * b, 1);
  const nameField = await field('array name', 1);
  const name = new TextDecoder('latin1').decode(nameField.data);
  const className = CLASS_NAMES[classId] ?? `class ${classId}`;
  const numeric = classId >= 6 && classId <= 15;

  let dataType = 0;
  let dataBytes = 0;
  let small: Uint8Array | undefined;
  if (numeric) {
    const tag = parseTag(await r.read(8, `real part tag of ${name}`), le);
    ({ type: dataType, bytes: dataBytes, small } = tag);
    const elem = TYPE_SIZE[dataType];
    if (!elem) throw new Error(`${where}: variable ${name} stores its data as type ${dataType}, not a numeric MAT type`);
    if (dataBytes !== numel * elem) {
      throw new Error(`${where}: variable ${name} of shape ${dims.join('×')} needs ${numel * elem} bytes of type ${dataType}, but its data has ${dataBytes}`);
    }
    if (!small && r.offset - start + dataBytes > size) {
      throw new Error(`${where}: variable ${name} data (${dataBytes} bytes) does not fit in its ${size}-byte element`);
    }
  }

  let used = false;
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    if (!numeric) throw new Error(`${where}: variable ${name} is a ${className} array; only numeric arrays can be read`);
    if (used) throw new Error(`${where}: variable ${name} can be read only once`);
    used = true;
    if (small) {
      yield small;
      return;
    }
    yield* slice(r, dataBytes, `data of variable ${name}`);
  };
  return {
    name,
    classId,
    className,
    dims,
    numel,
    complex,
    dataType,
    dataBytes,
    littleEndian: le,
    chunks,
    async numbers(maxElements: number): Promise<Float64Array> {
      if (numel > maxElements) throw new Error(`${where}: variable ${name} has ${numel} elements, more than the ${maxElements} expected`);
      const raw = new Uint8Array(dataBytes);
      let got = 0;
      for await (const c of chunks()) {
        raw.set(c, got);
        got += c.length;
      }
      return decodeNumbers(raw, dataType, numel, le);
    },
  };
}

function decodeNumbers(raw: Uint8Array, type: number, n: number, le: boolean): Float64Array {
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float64Array(n);
  const get: (i: number) => number = {
    1: (i: number) => v.getInt8(i),
    2: (i: number) => v.getUint8(i),
    3: (i: number) => v.getInt16(2 * i, le),
    4: (i: number) => v.getUint16(2 * i, le),
    5: (i: number) => v.getInt32(4 * i, le),
    6: (i: number) => v.getUint32(4 * i, le),
    7: (i: number) => v.getFloat32(4 * i, le),
    9: (i: number) => v.getFloat64(8 * i, le),
    12: (i: number) => Number(v.getBigInt64(8 * i, le)),
    13: (i: number) => Number(v.getBigUint64(8 * i, le)),
  }[type]!;
  for (let i = 0; i < n; i++) out[i] = get(i);
  return out;
}
