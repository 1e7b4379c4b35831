import { describe, expect, it } from 'vitest';
import {
  centerCropBox,
  flipHorizontal,
  randomResizedCropBox,
  randomResizedCropFlip,
  resizeCenterCrop,
  shorterSideSize,
} from './resize-crop';
import { resizeBilinear } from './resize';
import { createRng } from './rng';

const img = (height: number, width: number) => ({
  height,
  width,
  data: Uint8Array.from({ length: height * width * 3 }, (_, i) => (i * 7 + (i % 3) * 50) & 255),
});

describe('crop transforms', () => {
  it('sizes the shorter side like torchvision Resize (longer side truncated)', () => {
    expect(shorterSideSize(375, 500, 256)).toEqual([256, 341]); // 256·500/375 = 341.33
    expect(shorterSideSize(500, 333, 256)).toEqual([384, 256]); // 256·500/333 = 384.38
    expect(shorterSideSize(300, 300, 73)).toEqual([73, 73]);
  });

  it('centres crops with round-half-to-even like torchvision CenterCrop', () => {
    expect(centerCropBox(256, 341, 224)).toEqual({ top: 16, left: 58, height: 224, width: 224 }); // 58.5 → 58
    expect(centerCropBox(256, 343, 224)).toEqual({ top: 16, left: 60, height: 224, width: 224 }); // 59.5 → 60
    expect(() => centerCropBox(10, 10, 11)).toThrow('centerCropBox: crop 11 is larger than the 10×10 image');
  });

  it('resizeCenterCrop of an image already at the crop size is the identity', () => {
    const x = img(8, 8);
    expect(resizeCenterCrop(x, 8, 8)).toEqual(x.data);
    expect(resizeCenterCrop(img(37, 50), 16).length).toBe(16 * 16 * 3);
  });

  it('random boxes lie inside the image and respect scale and ratio when a try succeeds', () => {
    const rng = createRng(3);
    for (let t = 0; t < 500; t++) {
      const [h, w] = [10 + rng.nextInt(300), 10 + rng.nextInt(300)];
      const b = randomResizedCropBox(h, w, rng);
      expect(b.top >= 0 && b.left >= 0 && b.top + b.height <= h && b.left + b.width <= w).toBe(true);
      expect(b.height).toBeGreaterThan(0);
      expect(b.width).toBeGreaterThan(0);
    }
    // Large images almost always succeed on the first tries: check the area and aspect bounds (± rounding).
    for (let t = 0; t < 300; t++) {
      const b = randomResizedCropBox(1000, 1000, rng);
      expect((b.height * b.width) / 1e6).toBeGreaterThan(0.079);
      expect(b.width / b.height).toBeGreaterThan(0.74);
      expect(b.width / b.height).toBeLessThan(1.34);
    }
  });

  it('falls back to a centred crop clamped to the ratio when no try fits', () => {
    // scale (1, 1) on a 10×100 strip: every try needs w > 100 or h > 10, so the fallback runs.
    const b = randomResizedCropBox(10, 100, createRng(1), { scale: [1, 1] });
    expect(b).toEqual({ top: 0, left: Math.floor((100 - 13) / 2), height: 10, width: 13 }); // round(10·4/3)
  });

  it('the training view is deterministic in the rng and flips about half the time', () => {
    const x = img(40, 60);
    expect(randomResizedCropFlip(x, 16, createRng(1, 2, 3))).toEqual(randomResizedCropFlip(x, 16, createRng(1, 2, 3)));
    // scale 1 and ratio 1.5 on a 40×60 image: the first try is the whole image, so the output is the
    // plain resize or its mirror image.
    const plain = resizeBilinear(x.data, 40, 60, 3, 16, 16);
    const mirrored = Uint8Array.from(plain);
    flipHorizontal(mirrored, 16, 16, 3);
    let flips = 0;
    for (let s = 1; s <= 200; s++) {
      const out = randomResizedCropFlip(x, 16, createRng(s), { scale: [1, 1], ratio: [1.5, 1.5] });
      const isPlain = out.every((v, i) => v === plain[i]);
      const isMirror = out.every((v, i) => v === mirrored[i]);
      expect(isPlain || isMirror).toBe(true);
      if (isMirror) flips++;
    }
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
  });

  it('flipHorizontal mirrors each row and keeps channel order', () => {
    const d = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 2 rows × 2 px × 3 ch
    flipHorizontal(d, 2, 2, 3);
    expect(Array.from(d)).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
  });
});
