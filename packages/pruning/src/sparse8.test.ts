import { describe, expect, it } from 'vitest';
import { decodeSparse8, encodeSparse8, type NamedTensor } from './sparse8';
import { sparseStorageBytes } from './stats';

// Kernel [kh=1, kw=2, in=2, out=3] with 4 nonzeros; flat index ((p·in + c)·out + o).
const kernel: NamedTensor = { name: 'conv.kernel', shape: [1, 2, 2, 3], values: Float32Array.from([0, 0.5, 0, 0, 0, -1, 0.25, 0, 0, 0, 0, 0.75]) };
const bias: NamedTensor = { name: 'fc.bias', shape: [3], values: Float32Array.from([0.1, -0.2, 0]) };
const isKernel = (t: NamedTensor) => t.name.endsWith('.kernel');

function headerBytes(file: Uint8Array): number {
  return 8 + new DataView(file.buffer, file.byteOffset).getUint32(4, true);
}

describe('sparse8 codec', () => {
  it('stores a masked kernel in exactly sparseStorageBytes and dense tensors at one byte per value', () => {
    const file = encodeSparse8([kernel, bias], isKernel);
    expect(file.length - headerBytes(file)).toBe(sparseStorageBytes({ shape: kernel.shape, nnz: 4 }) + 3);
    expect(sparseStorageBytes({ shape: kernel.shape, nnz: 4 })).toBe(4 * 3 + 4 * 4);
  });

  it('round-trips: zeros stay exactly zero, others within half a quantisation step', () => {
    const { header, tensors } = decodeSparse8(encodeSparse8([kernel, bias], isKernel, { recipe: '{}' }));
    expect(header.metadata).toEqual({ recipe: '{}' });
    expect(header.tensors.map((t) => [t.name, t.kind, t.nnz])).toEqual([
      ['conv.kernel', 'csr', 4],
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

  it('rejects a kernel whose rows exceed a 16-bit column index', () => {
    const wide: NamedTensor = { name: 'w.kernel', shape: [65537, 1], values: new Float32Array(65537) };
    expect(() => encodeSparse8([wide], isKernel)).toThrow(/16-bit column index/);
  });
});
