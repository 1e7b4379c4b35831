import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredTensor } from '@floatjs/engine';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

const SRC = '/ckpt/run-7/model.safetensors';

function sample(): Map<string, StoredTensor> {
  return new Map<string, StoredTensor>([
    ['conv1.kernel', { shape: [3, 3, 1, 2], data: Float32Array.from({ length: 18 }, (_, i) => i * 0.5 - 4) }],
    ['bn1.gamma', { shape: [2], data: Float32Array.from([1, -2.5]) }],
    ['fc.bias', { shape: [3], data: Float32Array.from([Number.MIN_VALUE, -0, 3.4e38]) }],
    ['scalar.alpha', { shape: [], data: Float32Array.from([0.25]) }],
    ['empty', { shape: [0, 4], data: new Float32Array(0) }],
  ]);
}

/** Builds a file from an arbitrary header object and data bytes (no validation, no digest). */
function rawFile(header: unknown, data: Uint8Array, headerLenOverride?: bigint): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLenOverride ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON of arbitrary shape
function headerOf(bytes: Uint8Array): { len: number; json: Record<string, any> } {
  const len = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return { len, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) };
}

function decodeError(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes, SRC);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected decodeSafetensors to throw');
}

describe('safetensors', () => {
  it('round-trips names, shapes and exact float bits, with metadata and a data digest', () => {
    const tensors = sample();
    const bytes = encodeSafetensors(tensors, { format: 'floatjs', architecture: 'cnn-s' });
    const { tensors: back, metadata } = decodeSafetensors(bytes, SRC);
    expect([...back.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const b = back.get(name)!;
      expect(b.shape).toEqual(t.shape);
      expect(new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length)).toEqual(
        new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length),
      );
    }
    expect(metadata.format).toBe('floatjs');
    expect(metadata.architecture).toBe('cnn-s');
    expect(metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes the standard layout: u64 LE header length, 8-byte aligned JSON, sorted contiguous F32 offsets', () => {
    const bytes = encodeSafetensors(sample());
    const { len, json } = headerOf(bytes);
    expect(len % 8).toBe(0);
    const names = Object.keys(json).filter((k) => k !== '__metadata__');
    expect(names).toEqual([...names].sort());
    let at = 0;
    for (const n of names) {
      expect(json[n].dtype).toBe('F32');
      expect(json[n].data_offsets[0]).toBe(at);
      at = json[n].data_offsets[1];
    }
    expect(bytes.length).toBe(8 + len + at);
    // The digest covers exactly the data section.
    expect(json.__metadata__.sha256).toBe(createHash('sha256').update(bytes.subarray(8 + len)).digest('hex'));
    // Same contents in another insertion order give identical bytes.
    const reversed = new Map([...sample()].reverse());
    expect(encodeSafetensors(reversed)).toEqual(bytes);
  });

  it('decodes from an unaligned view into a larger buffer (as Node Buffers from readFileSync can be)', () => {
    const bytes = encodeSafetensors(sample());
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const { tensors } = decodeSafetensors(big.subarray(3), SRC);
    expect(Array.from(tensors.get('conv1.kernel')!.data)).toEqual(Array.from(sample().get('conv1.kernel')!.data));
  });

  it('refuses to encode a tensor whose data does not match its shape', () => {
    const bad = new Map([['w', { shape: [2, 3], data: new Float32Array(5) }]]);
    expect(() => encodeSafetensors(bad)).toThrow(/"w".*\[2,3\].*5 values/);
  });

  describe('decode errors name the source and the problem', () => {
    const good = encodeSafetensors(sample());

    it('file shorter than the header length field', () => {
      const msg = decodeError(good.subarray(0, 5));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/at least 8 bytes.*found 5/);
    });

    it('truncated data section', () => {
      const msg = decodeError(good.subarray(0, good.length - 4));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/truncated/);
    });

    it('truncated inside the header', () => {
      const msg = decodeError(good.subarray(0, 20));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/header length \d+ does not fit in the 20-byte file/);
    });

    it('bad header length', () => {
      const bytes = Uint8Array.from(good);
      new DataView(bytes.buffer).setBigUint64(0, 2n ** 40n, true);
      const msg = decodeError(bytes);
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/header length 1099511627776 does not fit/);
    });

    it('bad JSON', () => {
      const bytes = Uint8Array.from(good);
      bytes[8] = '['.charCodeAt(0) + 1; // '{' → '\\' breaks the JSON
      const msg = decodeError(bytes);
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/header is not valid UTF-8 JSON/);
    });

    it('header that is JSON but not an object', () => {
      const msg = decodeError(rawFile([1, 2], new Uint8Array(0)));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/header is not a JSON object/);
    });

    it('wrong dtype', () => {
      const msg = decodeError(rawFile({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/tensor "w": expected dtype F32, found "F16"/);
    });

    it('offsets that disagree with the shape', () => {
      const msg = decodeError(rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(12)));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/tensor "w": shape \[3\] needs 12 bytes, offsets give 8/);
    });

    it('malformed shape and offsets', () => {
      expect(decodeError(rawFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)))).toMatch(
        /tensor "w": shape must be a list of non-negative integers/,
      );
      expect(decodeError(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)))).toMatch(
        /tensor "w": data_offsets must be \[begin, end\]/,
      );
    });

    it('overlapping offsets', () => {
      const header = {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      };
      const msg = decodeError(rawFile(header, new Uint8Array(12)));
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/tensors "a" and "b" overlap/);
    });

    it('sha256 mismatch (one flipped data bit)', () => {
      const bytes = Uint8Array.from(good);
      bytes[bytes.length - 1] ^= 1;
      const msg = decodeError(bytes);
      expect(msg).toContain(SRC);
      expect(msg).toMatch(/data sha256 is [0-9a-f]{64}, the header records [0-9a-f]{64}/);
    });

    it('every message says the file is a corrupt safetensors file', () => {
      expect(decodeError(good.subarray(0, 3))).toMatch(new RegExp(`^${SRC.replace(/[/.]/g, '\\$&')}: corrupt safetensors file: `));
    });
  });
});
