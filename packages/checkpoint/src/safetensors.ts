import { createHash } from 'node:crypto';

import type { StoredTensor } from '@floatjs/engine';

const HEADER_LIMIT = 100 * 1024 * 1024;
const DIGEST_KEY = 'sha256';

/**
 * Encodes float32 tensors in the safetensors layout (u64 little-endian header length, JSON header,
 * raw little-endian data), readable by Python's `safetensors`. Keys are sorted so identical weights give
 * identical bytes; a sha256 of the data section goes into `__metadata__` to detect corruption on load.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, StoredTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  let offset = 0;
  const entries: Record<string, unknown> = {};
  for (const name of names) {
    const t = tensors.get(name)!;
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`safetensors: tensor "${name}" has shape [${t.shape}] but ${t.data.length} values`);
    entries[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * size] };
    offset += 4 * size;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    data.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  const meta = { ...metadata, [DIGEST_KEY]: createHash('sha256').update(data).digest('hex') };
  let header = new TextEncoder().encode(JSON.stringify({ __metadata__: meta, ...entries }));
  // The format recommends 8-byte alignment of the data section; pad the JSON with spaces.
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded !== header.length) {
    const h = new Uint8Array(padded).fill(0x20);
    h.set(header);
    header = h;
  }
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** Decodes and validates a .safetensors file; every error names `source` and what was expected. */
export function decodeSafetensors(bytes: Uint8Array, source: string): DecodedSafetensors {
  const fail = (what: string): never => {
    throw new Error(`${source}: corrupt safetensors file: ${what}`);
  };
  if (bytes.length < 8) fail(`expected at least 8 bytes of header length, found ${bytes.length}`);
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > HEADER_LIMIT || 8 + headerLen > bytes.length) {
    fail(`header length ${headerLen} does not fit in the ${bytes.length}-byte file`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (err) {
    return fail(`header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('header is not a JSON object');
  const data = bytes.subarray(8 + headerLen);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  if (typeof metadata !== 'object') fail('__metadata__ is not an object');
  const tensors = new Map<string, StoredTensor>();
  let spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e?.dtype !== 'F32') fail(`tensor "${name}": expected dtype F32, found ${JSON.stringify(e?.dtype)}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor "${name}": shape must be a list of non-negative integers, found ${JSON.stringify(shape)}`);
    }
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor "${name}": data_offsets must be [begin, end], found ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== 4 * size) fail(`tensor "${name}": shape [${shape}] needs ${4 * size} bytes, offsets give ${end - begin}`);
    if (end > data.length) fail(`tensor "${name}": data ends at byte ${end}, but the data section has ${data.length} bytes (truncated file?)`);
    spans.push([begin, end, name]);
    // Copy: the file buffer may be unaligned for a Float32Array view, and callers may keep the arrays.
    const copy = new Uint8Array(end - begin);
    copy.set(data.subarray(begin, end));
    tensors.set(name, { shape: shape as number[], data: new Float32Array(copy.buffer) });
  }
  // Zero-size tensors (allowed by the format) occupy no bytes, so they cannot overlap anything.
  spans = spans.filter(([b, e]) => e > b).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) fail(`tensors "${spans[i - 1][2]}" and "${spans[i][2]}" overlap`);
  }
  const digest = metadata[DIGEST_KEY];
  if (digest !== undefined) {
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== digest) fail(`data sha256 is ${actual}, the header records ${digest}`);
  }
  return { tensors, metadata };
}
