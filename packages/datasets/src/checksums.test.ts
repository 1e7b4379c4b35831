import { describe, expect, it } from 'vitest';
import { IDX_CHECKSUMS, verifyRaw } from './checksums';
import { ALL_IDX_FILES, MNIST_LIKE_NAMES } from './mnist-like-files';
import { checksumsFor, fixtureFiles } from './test-utils/mnist-like-fixture';

describe('verifyRaw', () => {
  const files = fixtureFiles(5, 3);
  const checksums = checksumsFor(files);
  const name = 'train-images-idx3-ubyte';

  it('accepts the bytes the table describes', () => {
    expect(() => verifyRaw('mnist', name, files[name], { checksums })).not.toThrow();
  });

  it('names the source, expected and found sha256 on a mismatch', () => {
    const bad = files[name].slice();
    bad[100] ^= 1;
    expect(() => verifyRaw('mnist', name, bad, { checksums, source: '/d/x.gz' })).toThrow(
      new RegExp(`^/d/x\\.gz: sha256 mismatch for mnist ${name} \\(decompressed\\): expected ${checksums.mnist[name].raw.sha256}, found [0-9a-f]{64}; .*verify: false`),
    );
  });

  it('reports a wrong size before hashing', () => {
    expect(() => verifyRaw('mnist', name, files[name].subarray(1), { checksums })).toThrow(/wrong size .* expected 3936 bytes, found 3935/);
  });

  it('is skipped with verify: false', () => {
    expect(() => verifyRaw('mnist', name, new Uint8Array(1), { verify: false })).not.toThrow();
  });

  it('has an entry with sizes 16+784n / 8+n for every official file', () => {
    for (const ds of MNIST_LIKE_NAMES) {
      for (const f of ALL_IDX_FILES) {
        const n = f.startsWith('train') ? 60_000 : 10_000;
        expect(IDX_CHECKSUMS[ds][f].raw.bytes).toBe(f.includes('images') ? 16 + 784 * n : 8 + n);
        expect(IDX_CHECKSUMS[ds][f].raw.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });
});
