import { describe, expect, it } from 'vitest';
import * as api from './index';

describe('public API', () => {
  it('exports the loader, batching, IDX and checksum helpers', () => {
    for (const name of ['loadMnistLike', 'batches', 'batchCount', 'permutation', 'parseIdx', 'encodeIdx', 'verifyRaw', 'createRng']) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
    expect(api.IDX_CHECKSUMS['fashion-mnist']['t10k-labels-idx1-ubyte'].raw.bytes).toBe(10_008);
    expect(api.MNIST_LIKE_INFO.mnist.mean).toEqual([0.1307]);
  });
});
