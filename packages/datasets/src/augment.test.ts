import { describe, expect, it } from 'vitest';
import { augmentFor, randomCropFlip } from './augment';
import { batches } from './batches';
import { createRng, type Rng } from './rng';

/** An Rng that replays scripted draws: nextInt returns the next integer, nextFloat the next float. */
function scripted(ints: number[], floats: number[] = []): Rng & { left: () => number } {
  return {
    nextUint32: () => {
      throw new Error('not scripted');
    },
    nextInt: (n) => {
      const v = ints.shift()!;
      if (v === undefined || v >= n) throw new Error(`scripted nextInt(${n}) has no valid value`);
      return v;
    },
    nextFloat: () => floats.shift()!,
    left: () => ints.length + floats.length,
  };
}

// A 3×4 single-channel image with distinct values 1..12, row-major.
const img = () => Float32Array.from({ length: 12 }, (_, i) => i + 1);

describe('randomCropFlip', () => {
  it('offset (pad, pad) without flip is the identity', () => {
    const x = img();
    randomCropFlip({ pad: 1 })(x, 1, 3, 4, 1, scripted([1, 1], [0.9]));
    expect([...x]).toEqual([...img()]);
  });

  it('offset (0, 0) shifts down-right and fills with zeros', () => {
    const x = img();
    randomCropFlip({ pad: 1 })(x, 1, 3, 4, 1, scripted([0, 0], [0.9]));
    expect([...x]).toEqual([
      0, 0, 0, 0,
      0, 1, 2, 3,
      0, 5, 6, 7,
    ]);
  });

  it('offset (2, 1) with pad 1 shifts up, and the flip mirrors the crop', () => {
    const x = img();
    randomCropFlip({ pad: 1 })(x, 1, 3, 4, 1, scripted([2, 1], [0.1]));
    // Crop rows 1..3 of the padded image (image rows 1, 2, then zeros), columns unchanged, then flipped.
    expect([...x]).toEqual([
      8, 7, 6, 5,
      12, 11, 10, 9,
      0, 0, 0, 0,
    ]);
  });

  it('reflect padding mirrors without repeating the edge (numpy "reflect")', () => {
    const x = img();
    randomCropFlip({ pad: 2, padMode: 'reflect' })(x, 1, 3, 4, 1, scripted([0, 0], [0.9]));
    // Rows -2, -1, 0 → 2, 1, 0; columns -2, -1, 0, 1 → 2, 1, 0, 1.
    expect([...x]).toEqual([
      11, 10, 9, 10,
      7, 6, 5, 6,
      3, 2, 1, 2,
    ]);
    expect(() => randomCropFlip({ pad: 3, padMode: 'reflect' })(img(), 1, 3, 4, 1, scripted([0, 0], [0.9]))).toThrow(
      'randomCropFlip: reflect padding of 3 needs images larger than 3×3, got 3×4',
    );
  });

  it('moves all channels of a pixel together and draws dy, dx, flip per image in order', () => {
    // Two 2×2 RGB images; channel value = 100·c + pixel index.
    const x = Float32Array.from({ length: 24 }, (_, i) => 100 * (i % 3) + Math.floor((i % 12) / 3) + (i >= 12 ? 10 : 0));
    const rng = scripted([1, 1, 1, 2], [0.2, 0.7]);
    randomCropFlip({ pad: 1 })(x, 2, 2, 2, 3, rng);
    expect(rng.left()).toBe(0);
    // Image 0: flipped only. Pixels (0,1),(0,0),(1,1),(1,0).
    expect([...x.subarray(0, 12)]).toEqual([1, 101, 201, 0, 100, 200, 3, 103, 203, 2, 102, 202]);
    // Image 1: columns shifted left by one, right column zero.
    expect([...x.subarray(12, 24)]).toEqual([11, 111, 211, 0, 0, 0, 13, 113, 213, 0, 0, 0]);
  });

  it('without flip draws only the offsets; pad 0 is the identity', () => {
    const rng = scripted([0, 0]);
    const x = img();
    randomCropFlip({ pad: 0, flip: false })(x, 1, 3, 4, 1, rng);
    expect([...x]).toEqual([...img()]);
    expect(rng.left()).toBe(0);
  });

  it('keeps every value it moves and is reproducible through batches()', () => {
    const ds = { n: 8, height: 6, width: 5, channels: 3, images: Uint8Array.from({ length: 8 * 90 }, (_, i) => (i * 7) % 256), labels: new Uint8Array(8) };
    const augment = augmentFor('crop-flip', { pad: 2 })!;
    const run = () => [...batches(ds, { batchSize: 4, shuffle: true, seed: 5, epoch: 2, augment })].map((b) => [...b.x]);
    const a = run();
    expect(run()).toEqual(a);
    const plain = [...batches(ds, { batchSize: 4, shuffle: true, seed: 5, epoch: 2 })].map((b) => [...b.x]);
    expect(a).not.toEqual(plain);
    // Each output value is either zero padding or a value of the same image and channel.
    for (let b = 0; b < 2; b++) {
      for (let n = 0; n < 4; n++) {
        for (let c = 0; c < 3; c++) {
          const src = new Set(plain[b].filter((_, i) => Math.floor(i / 90) === n && i % 3 === c));
          a[b].forEach((v, i) => {
            if (Math.floor(i / 90) === n && i % 3 === c && v !== 0) expect(src.has(v)).toBe(true);
          });
        }
      }
    }
  });

  it('flips about half the images and draws offsets uniformly from a real rng', () => {
    const rng = createRng(11);
    const trials = 9000;
    let flips = 0;
    for (let i = 0; i < trials; i++) {
      const x = Float32Array.of(1, 2);
      randomCropFlip({ pad: 0 })(x, 1, 1, 2, 1, rng);
      if (x[0] === 2) flips++;
    }
    expect(Math.abs(flips / trials - 0.5)).toBeLessThan(0.03);
    // A 1×3 row with pad 1 and no flip: dy ≠ 1 (2/3) gives a zero row; otherwise dx picks one of three shifts.
    const seen = new Map<string, number>();
    for (let i = 0; i < trials; i++) {
      const x = Float32Array.of(1, 2, 3);
      randomCropFlip({ pad: 1, flip: false })(x, 1, 1, 3, 1, rng);
      seen.set(x.join(','), (seen.get(x.join(',')) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['0,0,0', '0,1,2', '1,2,3', '2,3,0']);
    expect(Math.abs(seen.get('0,0,0')! / trials - 2 / 3)).toBeLessThan(0.03);
    for (const k of ['0,1,2', '1,2,3', '2,3,0']) expect(Math.abs(seen.get(k)! / trials - 1 / 9)).toBeLessThan(0.02);
  });

  it('augmentFor: none gives no augmentation', () => {
    expect(augmentFor('none')).toBeUndefined();
    expect(() => augmentFor('rotate' as never)).toThrow('unknown augmentation "rotate"');
  });
});
