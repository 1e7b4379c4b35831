import { describe, expect, it } from 'vitest';
import { allocBytes } from './alloc-bytes';

describe('allocBytes', () => {
  it('allocates zeroed bytes', () => {
    const b = allocBytes(10, 'x');
    expect(b).toEqual(new Uint8Array(10));
  });

  it('says how much was asked for and how to ask for less', () => {
    expect(() => allocBytes(5e9, 'svhn extra images', { max: 4.29e9, total: 64e9 })).toThrow(
      "svhn extra images: needs 5.00 GB in one array, over Node's limit of 4.29 GB; pass limit (--limit N) to load fewer examples",
    );
    expect(() => allocBytes(3e9, 'stl10 train images', { max: 4.29e9, total: 2e9 })).toThrow(
      "stl10 train images: needs 3.00 GB, more than this machine's 2.00 GB of memory; pass limit (--limit N) to load fewer examples",
    );
    expect(() => allocBytes(-1, 'x')).toThrow('x: invalid size -1 bytes');
  });
});
