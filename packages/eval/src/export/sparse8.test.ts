import { describe, expect, it } from 'vitest';
import { sparseStorageBytes } from '../cost/mask-stats';
import { decodeSparse8, encodeSparse8, type NamedTensor } from './sparse8';

// Kernel [kh=1, kw=2, in=2, out=3] with 4 nonzeros; flat index ((p·in + c)·out + o).
const kernel: NamedTensor = { name: 'conv.kernel', shape: [1, 2, 2, 3], values: Float32Array.from([0, 0.5, 0, 0, 0, -1, 0.25, 0, 0, 0, 0, 0.75]) };
const bias: NamedTensor = { name: 'fc.bias', shape: [3], values: Float32Array.from([0.1, -0.2, 0]) };
const isKernel = (t: NamedTensor) => t.name.endsWith('.kernel');

function headerBytes(file: Uint8Array): number {
  return 8 + new DataView(file.buffer, file.byteOffset).getUint32(4, true);
}

describe('sparse8 codec', () => {
  it('writes each sparse candidate in the smallest of CSR, bitmap and dense; other tensors dense', () => {
    // 12 weights, 4 nonzero: CSR 4·4 + 3·4 = 28 bytes, bitmap 2 + 4 = 6, dense 12 → bitmap.
    const file = encodeSparse8([kernel, bias], isKernel);
    const { header } = decodeSparse8(file);
    expect(header.tensors.map((t) => [t.kind, t.bytes])).toEqual([
      ['bitmap', 6],
      ['dense', 3],
    ]);
    expect(file.length - headerBytes(file)).toBe(6 + 3);
    // One nonzero in a kernel with 2 rows × 40 000 columns: CSR 12 + 3 = 15 bytes beats bitmap (10 001) and dense.
    const lone = new Float32Array(80_000);
    lone[12_345] = 0.5;
    const wide: NamedTensor = { name: 'w.kernel', shape: [40_000, 2], values: lone };
    const e = decodeSparse8(encodeSparse8([wide], isKernel));
    expect(e.header.tensors[0]).toMatchObject({ kind: 'csr', bytes: sparseStorageBytes({ shape: wide.shape, nnz: 1 }) });
    expect(e.tensors[0].values[12_345]).toBeCloseTo(0.5, 6);
    // A dense kernel stays dense.
    const full: NamedTensor = { name: 'd.kernel', shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    expect(decodeSparse8(encodeSparse8([full], isKernel)).header.tensors[0].kind).toBe('dense');
  });

  it('round-trips: zeros stay exactly zero, others within half a quantisation step', () => {
    const { header, tensors } = decodeSparse8(encodeSparse8([kernel, bias], isKernel, { recipe: '{}' }));
    expect(header.metadata).toEqual({ recipe: '{}' });
    expect(header.tensors.map((t) => [t.name, t.kind, t.nnz])).toEqual([
      ['conv.kernel', 'bitmap', 4],
      ['fc.bias', 'dense', 2],
    ]);
    for (const [orig, back] of [
      [kernel, tensors[0]],
      [bias, tensors[1]],
    ] as const) {
      const scale = Math.max(...Array.from(orig.values, Math.abs)) / 127;
      expect(back.shape).toEqual(orig.shape);
      orig.values.forEach((v, i) => {
        if (v === 0) expect(back.values[i]).toBe(0);
        else expect(Math.abs(back.values[i] - v)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      });
    }
  });

  it('the largest magnitude maps to ±127 exactly', () => {
    const { tensors } = decodeSparse8(encodeSparse8([kernel], isKernel));
    expect(tensors[0].values[5]).toBeCloseTo(-1, 6);
  });

  it('rejects malformed files with messages that say what is wrong', () => {
    const file = encodeSparse8([kernel, bias], isKernel);
    expect(() => decodeSparse8(file.subarray(0, 4))).toThrow(/shorter than the 8-byte preamble/);
    const badMagic = file.slice();
    badMagic[0] ^= 1;
    expect(() => decodeSparse8(badMagic)).toThrow(/bad magic/);
    expect(() => decodeSparse8(file.subarray(0, file.length - 1))).toThrow(/outside the file/);
    const hugeHeader = file.slice();
    new DataView(hugeHeader.buffer).setUint32(4, 0xffffffff, true);
    expect(() => decodeSparse8(hugeHeader)).toThrow(/header length/);
  });

  it('names the file and the field in one line, and checks claimed sizes before allocating', () => {
    const craft = (entry: Record<string, unknown> | null, payload = new Uint8Array(0), json?: string) => {
      const text = new TextEncoder().encode(json ?? JSON.stringify({ format: 'floatjs-sparse8', version: 1, tensors: [entry && { name: 'k', shape: [2, 2], kind: 'dense', scale: 1, nnz: 0, offset: 0, bytes: 4, ...entry }] }));
      const out = new Uint8Array(8 + text.length + payload.length);
      new DataView(out.buffer).setUint32(0, 0x38505346, true);
      new DataView(out.buffer).setUint32(4, text.length, true);
      out.set(text, 8);
      out.set(payload, 8 + text.length);
      return out;
    };
    const cases: Array<[Uint8Array, RegExp]> = [
      // A few bytes of row pointers claiming many zeros: a row wider than the writer ever makes, or 2^28 values (1 GiB).
      [craft({ kind: 'csr', shape: [1 << 17, 1], bytes: 8 }, new Uint8Array(8)), /rows of 131072 columns, more than 16-bit indices reach/],
      [craft({ kind: 'csr', shape: [1 << 20, 1 << 10, 1], bytes: 8 }, new Uint8Array(8)), /more than the 134217728 values allowed/],
      [craft({ kind: 'csr', shape: [1 << 14, 1 << 14], bytes: 4 * 16385 }, new Uint8Array(4 * 16385)), /more than the 134217728 values allowed/],
      [craft({ kind: 'bitmap', shape: [8], nnz: -1, bytes: 0 }), /tensor "k" has nnz -1/],
      [craft({ scale: null }, new Uint8Array(4)), /tensor "k" has scale null/],
      [craft({ kind: 'sparse' }, new Uint8Array(4)), /tensor "k" has kind "sparse"/],
      [craft(null), /header.tensors\[0\] is not a tensor entry/],
      [craft({ name: 'a\nb', offset: 99 }, new Uint8Array(4)), /tensor "a\\nb" payload \[99, \+4\) lies outside the file/],
      [craft(null, undefined, '{"format":\n"floatjs-sparse8",\n\n}'), /header is not valid UTF-8 JSON/],
    ];
    for (const [bytes, message] of cases) {
      let err: Error | undefined;
      try {
        decodeSparse8(bytes, '/runs/a/model.sparse8');
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(message);
      expect(err?.message.startsWith('/runs/a/model.sparse8: ')).toBe(true);
      expect(err?.message).not.toContain('\n');
    }
    const two = craft({ shape: [4], bytes: 4 }, new Uint8Array(4));
    expect(() => decodeSparse8(two, 'f', { maxValues: 3 })).toThrow(/f: tensor "k" of shape \[4\] brings the file to more than the 3 values allowed/);
    expect(decodeSparse8(two, 'f', { maxValues: 4 }).tensors[0].values).toEqual(new Float32Array(4));
  });

  it('never uses CSR for rows wider than a 16-bit column index', () => {
    const values = new Float32Array(65537);
    values[65536] = 1;
    const wide: NamedTensor = { name: 'w.kernel', shape: [65537, 1], values };
    const { header, tensors } = decodeSparse8(encodeSparse8([wide], isKernel));
    expect(header.tensors[0].kind).toBe('bitmap');
    expect(tensors[0].values[65536]).toBe(1);
  });

  it('round-trips CSR exactly as well', () => {
    const lone = new Float32Array(80_000);
    lone[7] = -0.25;
    lone[79_999] = 0.125;
    const t: NamedTensor = { name: 'x.kernel', shape: [40_000, 2], values: lone };
    const back = decodeSparse8(encodeSparse8([t], isKernel)).tensors[0].values;
    expect(back[7]).toBeCloseTo(-0.25, 6);
    expect(back[79_999]).toBeCloseTo(0.125, 2);
    expect(back.filter((v) => v !== 0)).toHaveLength(2);
  });
});
