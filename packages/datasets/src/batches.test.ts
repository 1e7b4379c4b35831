import { describe, expect, it } from 'vitest';
import { batchCount, batches, type BatchOptions, type BatchSource } from './batches';

// Pixel value = example index mod 256, so every float reveals which example it came from.
const N = 103;
const ds: BatchSource = {
  n: N,
  height: 2,
  width: 3,
  channels: 1,
  images: Uint8Array.from({ length: N * 6 }, (_, i) => (Math.floor(i / 6) * 5 + (i % 6)) & 255),
  labels: Uint8Array.from({ length: N }, (_, i) => i % 10),
};
const order = (opts: BatchOptions) => [...batches(ds, opts)].flatMap((b) => [...b.indices]);

describe('batches', () => {
  it('gives the same order for the same seed and epoch, a different one for another epoch or seed', () => {
    const a = order({ batchSize: 16, shuffle: true, seed: 7, epoch: 3 });
    expect(order({ batchSize: 16, shuffle: true, seed: 7, epoch: 3 })).toEqual(a);
    expect(order({ batchSize: 16, shuffle: true, seed: 7, epoch: 4 })).not.toEqual(a);
    expect(order({ batchSize: 16, shuffle: true, seed: 8, epoch: 3 })).not.toEqual(a);
  });

  it('visits every index exactly once per epoch', () => {
    for (const epoch of [0, 1, 2]) {
      const seen = order({ batchSize: 10, shuffle: true, seed: 1, epoch });
      expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, i) => i));
    }
    expect(order({ batchSize: 10 })).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('returns byte/255 in NHWC order and the matching labels', () => {
    for (const b of batches(ds, { batchSize: 8, shuffle: true, seed: 2 })) {
      b.indices.forEach((idx, i) => {
        expect(b.y[i]).toBe(ds.labels[idx]);
        for (let p = 0; p < 6; p++) expect(b.x[i * 6 + p]).toBe(Math.fround(ds.images[idx * 6 + p] / 255));
      });
    }
  });

  it('resumes mid-epoch with startBatch', () => {
    const opts = { batchSize: 10, shuffle: true, seed: 5, epoch: 2 };
    const full = [...batches(ds, opts)];
    const rest = [...batches(ds, { ...opts, startBatch: 4 })];
    expect(rest).toEqual(full.slice(4));
  });

  it('sizes the last batch and honours dropLast', () => {
    expect(batchCount(N, 10)).toBe(11);
    expect(batchCount(N, 10, true)).toBe(10);
    const all = [...batches(ds, { batchSize: 10 })];
    expect(all.map((b) => b.size).at(-1)).toBe(3);
    expect([...batches(ds, { batchSize: 10, dropLast: true })]).toHaveLength(10);
  });

  it('gives the augment hook a reproducible rng per batch', () => {
    const seen: number[] = [];
    const opts: BatchOptions = { batchSize: 50, seed: 9, epoch: 1, augment: (_x, _s, _h, _w, _c, rng) => seen.push(rng.nextUint32()) };
    Array.from(batches(ds, opts));
    const first = seen.splice(0);
    Array.from(batches(ds, { ...opts, startBatch: 1 }));
    expect(seen).toEqual(first.slice(1));
  });

  it('rejects a bad batch size', () => {
    expect(() => batches(ds, { batchSize: 0 }).next()).toThrow(/batchSize must be a positive integer/);
  });
});
