/** One IDX array: big-endian dimension sizes and the unsigned bytes they describe, row-major. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const UBYTE = 0x08;
const MAX_DIMS = 4;

/**
 * Parses an unsigned-byte IDX file (magic `00 00 08 ND`). `source` names the file in errors.
 * The returned `data` is a view into `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`${source}: not an IDX file: need at least 4 bytes of magic number, found ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${source}: not an IDX file: expected magic bytes 00 00 at offset 0, found ${hex(bytes[0])} ${hex(bytes[1])}`,
    );
  }
  const type = bytes[2];
  if (type !== UBYTE) {
    const known = IDX_TYPE_NAMES[type];
    const found = known ? `0x${hex(type)} (${known})` : `0x${hex(type)} (not an IDX type)`;
    throw new Error(`${source}: unsupported IDX element type: expected 0x08 (unsigned byte), found ${found}`);
  }
  const nd = bytes[3];
  if (nd < 1 || nd > MAX_DIMS) {
    throw new Error(`${source}: unsupported IDX dimension count: expected 1 to ${MAX_DIMS}, found ${nd}`);
  }
  const headerBytes = 4 + 4 * nd;
  if (bytes.length < headerBytes) {
    throw new Error(
      `${source}: truncated IDX header: ${nd} dimensions need ${headerBytes} header bytes, found ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i, false));

  // Checked before any view or allocation so a corrupt header claiming billions of images fails fast.
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found !== expected) {
    const what = found < expected ? 'truncated IDX file' : 'IDX file has trailing bytes';
    throw new Error(
      `${source}: ${what}: header says ${dims.join('×')} = ${formatCount(expected)} bytes of data, found ${found}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Writes an unsigned-byte IDX file; the inverse of `parseIdx`. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > MAX_DIMS) {
    throw new Error(`encodeIdx: expected 1 to ${MAX_DIMS} dimensions, got ${dims.length}`);
  }
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new Error(`encodeIdx: dimension sizes must be integers in [0, 2^32), got ${dims.join('×')}`);
    }
  }
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new Error(`encodeIdx: dims ${dims.join('×')} need ${expected} bytes of data, got ${data.length}`);
  }
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerBytes);
  return out;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

// Products of four u32 dims can exceed 2^53; say so rather than print a rounded number as if exact.
function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : `${n.toExponential(3)} (more than 2^53)`;
}
