import { describe, expect, it } from 'vitest';
import { verifyRaw } from './checksums';
import * as index from './index';
import * as testing from './testing';

// parseIdx and encodeIdx are exported by the testing entry and verifyRaw by no entry since the public index was
// cut down to what a user of the package needs (the exact list: public-api.test.ts); the checks stand.
const api = { ...index, ...testing, verifyRaw };

describe('public API', () => {
  it('exports the loader, batching, IDX and checksum helpers', () => {
    for (const name of ['loadMnistLike', 'batches', 'batchCount', 'permutation', 'parseIdx', 'encodeIdx', 'verifyRaw', 'createRng']) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
    expect(api.IDX_CHECKSUMS['fashion-mnist']['t10k-labels-idx1-ubyte'].raw.bytes).toBe(10_008);
    expect(api.MNIST_LIKE_INFO.mnist.mean).toEqual([0.1307]);
  });
});
