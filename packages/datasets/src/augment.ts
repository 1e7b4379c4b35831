import type { Augment } from './batches';

/** `zero`: torchvision RandomCrop(padding=p) (constant 0); `reflect`: numpy/robust_overfitting reflect (edge not repeated). */
export type PadMode = 'zero' | 'reflect';

export interface CropFlipOptions {
  /** Pixels of padding on every side before the random crop back to the original size. Default 4. */
  pad?: number;
  /** Default 'zero'. */
  padMode?: PadMode;
  /** Horizontal flip with probability 1/2. Default true. */
  flip?: boolean;
}

/** What a dataset uses for training: CIFAR, STL-10, Tiny-ImageNet crop+pad+flip; digits (MNIST, SVHN) nothing. */
export type AugmentKind = 'crop-flip' | 'none';

/**
 * Random crop with padding, then a horizontal flip, per image, in place (the torchvision
 * RandomCrop + RandomHorizontalFlip recipe). For each image the rng is drawn in this order: row
 * offset in [0, 2·pad], column offset in [0, 2·pad], then the flip (nextFloat() < 0.5), so the
 * result depends only on the rng it is given. Output pixel (i, j) = padded(i + dy, j' + dx) with
 * j' = width − 1 − j when flipped, where padded(y, x) = image(y − pad, x − pad) or the pad value.
 */
export function randomCropFlip(opts: CropFlipOptions = {}): Augment {
  const pad = opts.pad ?? 4;
  const mode = opts.padMode ?? 'zero';
  const flip = opts.flip ?? true;
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`randomCropFlip: pad must be a non-negative integer, got ${pad}`);
  if (mode !== 'zero' && mode !== 'reflect') throw new Error(`randomCropFlip: padMode must be "zero" or "reflect", got "${String(mode)}"`);
  return (x, size, height, width, channels, rng) => {
    if (mode === 'reflect' && (pad >= height || pad >= width)) {
      throw new Error(`randomCropFlip: reflect padding of ${pad} needs images larger than ${pad}×${pad}, got ${height}×${width}`);
    }
    const pixels = height * width * channels;
    const scratch = new Float32Array(pixels);
    const rowSrc = new Int32Array(height);
    const colSrc = new Int32Array(width);
    for (let n = 0; n < size; n++) {
      const dy = rng.nextInt(2 * pad + 1);
      const dx = rng.nextInt(2 * pad + 1);
      const flipped = flip && rng.nextFloat() < 0.5;
      for (let i = 0; i < height; i++) rowSrc[i] = source(i + dy - pad, height, mode);
      for (let j = 0; j < width; j++) colSrc[j] = source((flipped ? width - 1 - j : j) + dx - pad, width, mode);
      const base = n * pixels;
      scratch.set(x.subarray(base, base + pixels));
      for (let i = 0; i < height; i++) {
        const sr = rowSrc[i];
        for (let j = 0; j < width; j++) {
          const sc = colSrc[j];
          const out = base + (i * width + j) * channels;
          if (sr < 0 || sc < 0) {
            for (let c = 0; c < channels; c++) x[out + c] = 0;
          } else {
            const from = (sr * width + sc) * channels;
            for (let c = 0; c < channels; c++) x[out + c] = scratch[from + c];
          }
        }
      }
    }
  };
}

/** Index into the unpadded axis of length n, or -1 for a zero-padded position. */
function source(t: number, n: number, mode: PadMode): number {
  if (t >= 0 && t < n) return t;
  if (mode === 'zero') return -1;
  return t < 0 ? -t : 2 * (n - 1) - t;
}

/** The standard training augmentation of a kind: crop-flip with pad 4 (zero), or none. */
export function augmentFor(kind: AugmentKind, opts: CropFlipOptions = {}): Augment | undefined {
  if (kind === 'none') return undefined;
  if (kind === 'crop-flip') return randomCropFlip(opts);
  throw new Error(`unknown augmentation "${String(kind)}": expected crop-flip or none`);
}
