import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader';
import { readMat, type MatVariable } from './mat5-reader';
import { chunked } from './test-utils/chunked';
import { doubleVar, matFile, uint8Var } from './test-utils/mat5-write';

async function readAll(file: Uint8Array, chunk = 333): Promise<{ v: MatVariable; data: Uint8Array | Float64Array }[]> {
  const out = [];
  for await (const v of readMat(new ByteReader(chunked(file, chunk), 'f.mat'), { size: file.length })) {
    out.push({ v, data: v.dataType === 2 && v.classId === 9 ? await collect(v) : await v.numbers(1e6) });
  }
  return out;
}

async function collect(v: MatVariable): Promise<Uint8Array> {
  const out = new Uint8Array(v.dataBytes);
  let off = 0;
  for await (const c of v.chunks()) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

const x = Uint8Array.from({ length: 2 * 3 * 5 }, (_, i) => (i * 13) & 255);

describe('readMat', () => {
  for (const compress of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`reads names, classes, dims and data (${compress ? 'compressed' : 'plain'}, ${bigEndian ? 'big' : 'little'}-endian)`, async () => {
        const file = matFile(
          [uint8Var('X', [2, 3, 5], x), doubleVar('y', [4, 1], [1, 10, 2.5, -3], false, bigEndian), doubleVar('ab', [1, 3], [7, 8, 9], true)],
          { compress, bigEndian },
        );
        for (const chunk of [1, 8, 333, 1 << 16]) {
          const vars = await readAll(file, chunk);
          expect(vars.map(({ v }) => [v.name, v.className, v.dims, v.dataType, v.littleEndian])).toEqual([
            ['X', 'uint8', [2, 3, 5], 2, !bigEndian],
            ['y', 'double', [4, 1], 9, !bigEndian],
            ['ab', 'double', [1, 3], 2, !bigEndian],
          ]);
          expect(vars[0].data).toEqual(x);
          expect([...vars[1].data]).toEqual([1, 10, 2.5, -3]);
          expect([...vars[2].data]).toEqual([7, 8, 9]);
        }
      });
    }
  }

  it('skips variables the consumer does not read, compressed ones without inflating them', async () => {
    const file = matFile([uint8Var('X', [2, 3, 5], x), doubleVar('y', [2, 1], [3, 4])], { compress: true });
    const names = [];
    let y: number[] = [];
    for await (const v of readMat(new ByteReader(chunked(file, 50), 'f.mat'))) {
      names.push(v.name);
      if (v.name === 'y') y = [...(await v.numbers(10))];
    }
    expect(names).toEqual(['X', 'y']);
    expect(y).toEqual([3, 4]);
  });

  it('reads a one-element array stored as a small data element', async () => {
    const vars = await readAll(matFile([uint8Var('s', [1, 1], Uint8Array.of(42))]));
    expect(vars[0].data).toEqual(Uint8Array.of(42));
  });

  it('rejects v7.3 (HDF5) files and other headers clearly', async () => {
    const v73 = new Uint8Array(200);
    v73.set(new TextEncoder().encode('MATLAB 7.3 MAT-file, Platform: GLNXA64'));
    await expect(readAll(v73)).rejects.toThrow('f.mat: MAT-file v7.3 (HDF5) is not supported');
    await expect(readAll(new Uint8Array(200))).rejects.toThrow('f.mat: not a MATLAB 5.0 MAT-file');
    await expect(readAll(new Uint8Array(20))).rejects.toThrow('f.mat: truncated: expected 128 bytes of MAT-file header at byte 0');
  });

  it('refuses dims that claim more data than the element holds, before allocating', async () => {
    // dims say 2^32 elements (65536 × 65536) while the data is 30 bytes.
    const lie = uint8Var('X', [65536, 65536], x);
    for (const compress of [false, true]) {
      await expect(readAll(matFile([lie], { compress }))).rejects.toThrow(/variable X of shape 65536×65536 needs 4294967296 bytes of type 2, but its data has 30/);
    }
  });

  it('refuses elements that claim more bytes than the file or the compressed data can hold', async () => {
    const file = matFile([uint8Var('X', [2, 3, 5], x)]);
    const big = file.slice();
    new DataView(big.buffer).setUint32(128 + 4, 0xfffffff0, true);
    await expect(readAll(big)).rejects.toThrow(`f.mat: data element at byte 128 claims 4294967280 bytes, past the end of the ${file.length}-byte file`);
  });

  it('reports corrupt and truncated compressed data with the file name', async () => {
    const file = matFile([uint8Var('X', [2, 3, 5], x)], { compress: true });
    const cut = file.subarray(0, file.length - 10);
    await expect(readAll(cut)).rejects.toThrow(/^f\.mat: data element at byte 128 claims \d+ bytes, past the end of the \d+-byte file/);
    const noSize = async () => {
      for await (const v of readMat(new ByteReader(chunked(cut, 64), 'f.mat'))) await collect(v);
    };
    await expect(noSize()).rejects.toThrow(/^f\.mat( \(compressed element at byte 128\))?: (truncated inside the compressed element at byte 128|corrupt or truncated)/);
    const bad = file.slice();
    bad[140] ^= 0xff;
    await expect(readAll(bad)).rejects.toThrow(/^f\.mat \(compressed element at byte 128\)/);
  });
});
