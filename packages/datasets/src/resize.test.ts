import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './resize';
import { createRng } from './rng';

const u8 = (a: number[]) => Uint8Array.from(a);

describe('resizeBilinear', () => {
  it('is the identity at the same size', () => {
    const src = Uint8Array.from({ length: 5 * 7 * 3 }, (_, i) => (i * 37) & 255);
    expect(resizeBilinear(src, 5, 7, 3, 5, 7)).toEqual(src);
  });

  it('enlarges 1×2 → 1×4 with half-pixel centres: [0, 100] → [0, 25, 75, 100]', () => {
    // Output centres in source coordinates: 0.25, 0.75, 1.25, 1.75 (edges clamp to the border pixel).
    expect(resizeBilinear(u8([0, 100]), 1, 2, 1, 1, 4)).toEqual(u8([0, 25, 75, 100]));
  });

  it('shrinks 1×4 → 1×2 with a widened triangle (antialias) or plain 2 taps', () => {
    // Centre 1.0, support 2: pixels 0,1,2 weigh 0.75,0.75,0.25 → (0 + 30 + 20) / 1.75 = 28.57.
    // Centre 3.0: pixels 1,2,3 weigh 0.25,0.75,0.75 → (10 + 60 + 90) / 1.75 = 91.43.
    expect(resizeBilinear(u8([0, 40, 80, 120]), 1, 4, 1, 1, 2)).toEqual(u8([29, 91]));
    expect(resizeBilinear(u8([0, 40, 80, 120]), 1, 4, 1, 1, 2, { antialias: false })).toEqual(u8([20, 100]));
  });

  it('enlarges 2×2 → 4×4 separably, channels independently', () => {
    // Row and column weights for outputs 0..3: (1,0), (.75,.25), (.25,.75), (0,1).
    const v = [0, 100, 200, 50];
    const src = Uint8Array.from(v.flatMap((a) => [a, 255 - a]));
    const out = resizeBilinear(src, 2, 2, 2, 4, 4);
    const at = (y: number, x: number, c: number) => out[(y * 4 + x) * 2 + c];
    expect([at(0, 0, 0), at(0, 3, 0), at(3, 0, 0), at(3, 3, 0)]).toEqual([0, 100, 200, 50]);
    // .75·.75·0 + .75·.25·100 + .25·.75·200 + .25·.25·50 = 59.375
    expect(at(1, 1, 0)).toBe(59);
    // .75·.25·0 + .75·.75·100 + .25·.25·200 + .25·.75·50 = 78.125
    expect(at(1, 2, 0)).toBe(78);
    expect(at(1, 1, 1)).toBe(255 - 59);
    expect(at(1, 2, 1)).toBe(Math.round(255 - 78.125));
  });

  it('resizes only the crop box, never reading outside it', () => {
    const src = Uint8Array.from({ length: 16 }, (_, i) => i * 10);
    // The 2×2 box at (1, 2) is [[60, 70], [100, 110]].
    expect(resizeBilinear(src, 4, 4, 1, 2, 2, { crop: { top: 1, left: 2, height: 2, width: 2 } })).toEqual(u8([60, 70, 100, 110]));
    // Enlarging that box: the border rows/cols stay at the box values, not at the neighbours'.
    const big = resizeBilinear(src, 4, 4, 1, 4, 4, { crop: { top: 1, left: 2, height: 2, width: 2 } });
    expect([big[0], big[3], big[12], big[15]]).toEqual([60, 70, 100, 110]);
    expect(big[5]).toBe(Math.round(0.75 * 0.75 * 60 + 0.75 * 0.25 * 70 + 0.25 * 0.75 * 100 + 0.25 * 0.25 * 110));
  });

  it('keeps constant images constant and stays within the input range at any size', () => {
    const rng = createRng(5);
    for (let t = 0; t < 50; t++) {
      const [h, w, oh, ow] = [1 + rng.nextInt(30), 1 + rng.nextInt(30), 1 + rng.nextInt(40), 1 + rng.nextInt(40)];
      const v = rng.nextInt(256);
      expect(resizeBilinear(new Uint8Array(h * w * 3).fill(v), h, w, 3, oh, ow).every((x) => x === v)).toBe(true);
      const src = Uint8Array.from({ length: h * w }, () => 50 + rng.nextInt(100));
      const out = resizeBilinear(src, h, w, 1, oh, ow);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(Math.min(...src));
      expect(Math.max(...out)).toBeLessThanOrEqual(Math.max(...src));
    }
  });

  it('rejects bad sizes and crops with clear messages', () => {
    expect(() => resizeBilinear(new Uint8Array(4), 2, 2, 1, 0, 3)).toThrow('resizeBilinear: dstHeight must be a positive integer, got 0');
    expect(() => resizeBilinear(new Uint8Array(5), 2, 2, 1, 2, 2)).toThrow('expected 2×2×1 = 4 bytes, got 5');
    expect(() => resizeBilinear(new Uint8Array(4), 2, 2, 1, 2, 2, { crop: { top: 1, left: 0, height: 2, width: 1 } })).toThrow(
      'is not a non-empty whole-pixel box inside 2×2',
    );
  });
});
