/** A named tensor as the codec sees it: flat row-major values in tfjs layout. */
export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * How one tensor is stored. Sparse candidates take the smaller of three layouts: `csr` (one row per output
 * channel), `bitmap` (one presence bit per weight, then the nonzero values) or `dense`; others are `dense`.
 */
export interface Sparse8Entry {
  name: string;
  shape: number[];
  kind: 'csr' | 'bitmap' | 'dense';
  /** Symmetric 8-bit quantisation: value = q · scale, q ∈ [−127, 127]. */
  scale: number;
  nnz: number;
  /** Byte offset of this tensor's payload after the header. */
  offset: number;
  bytes: number;
}

export interface Sparse8Header {
  format: 'floatjs-sparse8';
  version: 1;
  tensors: Sparse8Entry[];
  metadata?: Record<string, string>;
}

const MAGIC = 0x38505346; // "FSP8" little-endian
const MAX_COLUMNS = 65536;

/**
 * The sparse 8-bit format that FLOATS storage figures are measured in. Values are symmetric 8-bit. A kernel
 * [..., out] is a matrix with one row per output channel and Π(other dims) columns (tfjs [kh, kw, in, out] ⇒
 * kh·kw·in columns). CSR payload: (rows + 1) u32 row pointers, nnz u16 column indices, nnz i8 values — exactly
 * `sparseStorageBytes` (3 bytes per nonzero + 4 per row pointer). Bitmap payload: ⌈size/8⌉ bytes of presence
 * bits (flat tfjs order, LSB first), then nnz i8 values. Dense: one i8 per value. Each sparse candidate is
 * written in whichever of the three is smallest (CSR wins only at low density: 3 bytes per nonzero against
 * 1/8 + d bytes per weight for the bitmap). File: u32 magic "FSP8", u32 header length, UTF-8 JSON header, then
 * the payloads, little-endian.
 */
export function encodeSparse8(tensors: readonly NamedTensor[], sparse: (t: NamedTensor) => boolean, metadata?: Record<string, string>): Uint8Array {
  const entries: Sparse8Entry[] = [];
  const payloads: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) throw new Error(`encodeSparse8: tensor "${t.name}" has ${t.values.length} values for shape [${t.shape}]`);
    const scale = quantScale(t.values);
    const payload = sparse(t) ? smallest([csrPayload(t, scale), bitmapPayload(t.values, scale), densePayload(t.values, scale)]) : densePayload(t.values, scale);
    entries.push({ name: t.name, shape: [...t.shape], kind: payload.kind, scale, nnz: payload.nnz, offset, bytes: payload.bytes.length });
    payloads.push(payload.bytes);
    offset += payload.bytes.length;
  }
  const header: Sparse8Header = { format: 'floatjs-sparse8', version: 1, tensors: entries, ...(metadata ? { metadata } : {}) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const p of payloads) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface DecodeSparse8Options {
  /**
   * Refuse files whose tensors hold more values than this in all (default 2^27, 512 MiB of float32: several
   * times the largest model here). A sparse layout stores a zero in no bytes, so without a cap a few header
   * bytes could claim gigabytes of output.
   */
  maxValues?: number;
}

const KINDS = new Set(['csr', 'bitmap', 'dense']);
const DEFAULT_MAX_VALUES = 2 ** 27;

/**
 * Reads a sparse8 file back to dequantised float tensors. Malformed input throws one line that starts with
 * `source` (the file's path) and names the field; every size is checked before anything is allocated.
 */
export function decodeSparse8(bytes: Uint8Array, source = 'sparse8', opts: DecodeSparse8Options = {}): { header: Sparse8Header; tensors: NamedTensor[] } {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is shorter than the 8-byte preamble of a sparse8 file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail('bad magic (expected "FSP8"): not a sparse8 file');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) fail(`sparse8 header length ${headerLength} exceeds the file (${bytes.length} bytes)`);
  let header: Sparse8Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))) as Sparse8Header;
  } catch (e) {
    // JSON.parse quotes the text around the error, which may hold newlines.
    throw new Error(`${source}: sparse8 header is not valid UTF-8 JSON (${(e as Error).message.replace(/\s+/g, ' ')})`, { cause: e });
  }
  if (header?.format !== 'floatjs-sparse8' || header.version !== 1 || !Array.isArray(header.tensors)) {
    fail('header.format must be "floatjs-sparse8" version 1 with a tensors array');
  }
  const body = 8 + headerLength;
  const maxValues = opts.maxValues ?? DEFAULT_MAX_VALUES;
  let values = 0;
  const tensors = header.tensors.map((e, i) => {
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string') fail(`header.tensors[${i}] is not a tensor entry with a name`);
    const what = `tensor ${JSON.stringify(e.name)}`;
    if (!KINDS.has(e.kind)) fail(`${what} has kind ${JSON.stringify(e.kind)}, expected csr, bitmap or dense`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${what} has an invalid shape`);
    if (!Number.isSafeInteger(e.nnz) || e.nnz < 0) fail(`${what} has nnz ${JSON.stringify(e.nnz)}, expected a non-negative integer`);
    if (typeof e.scale !== 'number' || !Number.isFinite(e.scale) || e.scale < 0) fail(`${what} has scale ${JSON.stringify(e.scale)}, expected a finite number ≥ 0`);
    const size = e.shape.reduce((a, b) => a * b, 1);
    values += size;
    if (!Number.isSafeInteger(size) || values > maxValues) fail(`${what} of shape [${e.shape}] brings the file to more than the ${maxValues} values allowed (maxValues)`);
    const start = body + e.offset;
    if (!(Number.isSafeInteger(e.offset) && Number.isSafeInteger(e.bytes) && e.offset >= 0 && e.bytes >= 0 && start + e.bytes <= bytes.length)) {
      fail(`${what} payload [${e.offset}, +${e.bytes}) lies outside the file`);
    }
    const payload = bytes.subarray(start, start + e.bytes);
    const out = e.kind === 'csr' ? decodeCsr(e, size, payload, what, fail) : e.kind === 'bitmap' ? decodeBitmap(e, size, payload, what, fail) : decodeDense(e, size, payload, what, fail);
    return { name: e.name, shape: e.shape, values: out };
  });
  return { header, tensors };
}

type Fail = (what: string) => never;

function quantScale(values: Float32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max > 0 ? max / 127 : 1;
}

const quantize = (v: number, scale: number) => Math.max(-127, Math.min(127, Math.round(v / scale)));

type Payload = { kind: Sparse8Entry['kind']; nnz: number; bytes: Uint8Array };

/** The smallest payload; ties keep the earlier (CSR before bitmap before dense). */
function smallest(options: Array<Payload | null>): Payload {
  return options.filter((p): p is Payload => p !== null).reduce((a, b) => (b.bytes.length < a.bytes.length ? b : a));
}

function bitmapPayload(values: Float32Array, scale: number): Payload {
  let nnz = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) nnz++;
  const maskBytes = Math.ceil(values.length / 8);
  const bytes = new Uint8Array(maskBytes + nnz);
  const q = new Int8Array(bytes.buffer, maskBytes, nnz);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    bytes[i >> 3] |= 1 << (i & 7);
    q[k++] = quantize(values[i], scale);
  }
  return { kind: 'bitmap', nnz, bytes };
}

function decodeBitmap(e: Sparse8Entry, size: number, payload: Uint8Array, what: string, fail: Fail): Float32Array {
  const maskBytes = Math.ceil(size / 8);
  if (payload.length !== maskBytes + e.nnz) fail(`bitmap ${what} has ${payload.length} bytes, expected ${maskBytes + e.nnz}`);
  const q = new Int8Array(payload.buffer, payload.byteOffset + maskBytes, e.nnz);
  const out = new Float32Array(size);
  let k = 0;
  for (let i = 0; i < size; i++) {
    if (!((payload[i >> 3] >> (i & 7)) & 1)) continue;
    if (k >= e.nnz) fail(`bitmap ${what} marks more than its ${e.nnz} nonzeros`);
    out[i] = q[k++] * e.scale;
  }
  if (k !== e.nnz) fail(`bitmap ${what} marks ${k} nonzeros, header says ${e.nnz}`);
  return out;
}

function densePayload(values: Float32Array, scale: number): Payload {
  const q = new Int8Array(values.length);
  let nnz = 0;
  for (let i = 0; i < values.length; i++) {
    q[i] = quantize(values[i], scale);
    if (values[i] !== 0) nnz++;
  }
  return { kind: 'dense', nnz, bytes: new Uint8Array(q.buffer) };
}

/** CSR, or null when a row is too wide for 16-bit column indices (then bitmap or dense is used). */
function csrPayload(t: NamedTensor, scale: number): Payload | null {
  const rows = t.shape[t.shape.length - 1] ?? 1;
  const cols = t.values.length / rows;
  if (cols > MAX_COLUMNS) return null;
  // Only weights that are exactly zero are dropped: a pruned weight is 0, a kept one that rounds to 0 stays.
  let nnz = 0;
  for (let i = 0; i < t.values.length; i++) if (t.values[i] !== 0) nnz++;
  const bytes = new Uint8Array(4 * (rows + 1) + 3 * nnz);
  const view = new DataView(bytes.buffer);
  const colBase = 4 * (rows + 1);
  const valBase = colBase + 2 * nnz;
  let k = 0;
  for (let r = 0; r < rows; r++) {
    view.setUint32(4 * r, k, true);
    for (let c = 0; c < cols; c++) {
      const v = t.values[c * rows + r];
      if (v === 0) continue;
      view.setUint16(colBase + 2 * k, c, true);
      view.setInt8(valBase + k, quantize(v, scale));
      k++;
    }
  }
  view.setUint32(4 * rows, k, true);
  return { kind: 'csr', nnz, bytes };
}

function decodeDense(e: Sparse8Entry, size: number, payload: Uint8Array, what: string, fail: Fail): Float32Array {
  if (payload.length !== size) fail(`dense ${what} has ${payload.length} bytes, expected ${size}`);
  const q = new Int8Array(payload.buffer, payload.byteOffset, payload.length);
  return Float32Array.from(q, (v) => v * e.scale);
}

function decodeCsr(e: Sparse8Entry, size: number, payload: Uint8Array, what: string, fail: Fail): Float32Array {
  const rows = e.shape[e.shape.length - 1] ?? 1;
  const cols = rows ? size / rows : 0;
  // The writer never stores a row wider than 16-bit column indices reach.
  if (cols > MAX_COLUMNS) fail(`CSR ${what} of shape [${e.shape}] has rows of ${cols} columns, more than 16-bit indices reach (${MAX_COLUMNS})`);
  if (payload.length !== 4 * (rows + 1) + 3 * e.nnz) fail(`CSR ${what} has ${payload.length} bytes, expected ${4 * (rows + 1) + 3 * e.nnz}`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const colBase = 4 * (rows + 1);
  const valBase = colBase + 2 * e.nnz;
  const out = new Float32Array(size);
  for (let r = 0; r < rows; r++) {
    const from = view.getUint32(4 * r, true);
    const to = view.getUint32(4 * (r + 1), true);
    if (from > to || to > e.nnz) fail(`CSR ${what} has bad row pointers at row ${r}`);
    for (let k = from; k < to; k++) {
      const c = view.getUint16(colBase + 2 * k, true);
      if (c >= cols) fail(`CSR ${what} has column ${c} ≥ ${cols}`);
      out[c * rows + r] = view.getInt8(valBase + k) * e.scale;
    }
  }
  return out;
}
