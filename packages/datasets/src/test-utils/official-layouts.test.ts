import { describe, expect, it } from 'vitest';
import { useTempDirs } from './mnist-like-fixture';
import { fakeImagesHwc, fakePixel, fakePlanes, writeFakeCifar10 } from './official-layouts';
import { expectSameBytes } from './same-bytes';

const tempDir = useTempDirs();

describe('official-layout fakes', () => {
  it('make row/column and channel swaps visible', () => {
    let same = 0;
    for (let r = 0; r < 32; r++) for (let k = 0; k < 32; k++) if (r !== k && fakePixel(0, r, k, 0) === fakePixel(0, k, r, 0)) same++;
    expect(same).toBe(0);
    expect(fakePixel(0, 1, 2, 0)).not.toBe(fakePixel(0, 1, 2, 1));
    const rowMajor = fakePlanes(0, 4, 0, false);
    const colMajor = fakePlanes(0, 4, 0, true);
    expect(rowMajor[1]).toBe(fakePixel(0, 0, 1, 0));
    expect(colMajor[1]).toBe(fakePixel(0, 1, 0, 0));
    expect(fakeImagesHwc(1, 4, 0)[(1 * 4 + 2) * 3 + 1]).toBe(fakePixel(0, 1, 2, 1));
  });

  it('refuses CIFAR-10 train counts that cannot fill five equal batches', async () => {
    await expect(writeFakeCifar10(await tempDir(), { train: 7, test: 1 })).rejects.toThrow('train must be a multiple of 5');
  });

  it('expectSameBytes fails on one changed byte and on a length difference', () => {
    const a = Uint8Array.from({ length: 5000 }, (_, i) => i & 255);
    const b = a.slice();
    b[4321] ^= 1;
    expect(() => expectSameBytes(b, a)).toThrow(/first differing byte/);
    expect(() => expectSameBytes(a.subarray(1), a)).toThrow(/length/);
    expectSameBytes(a.slice(), a);
  });
});
