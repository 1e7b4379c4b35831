import type { RgbImage } from './jpeg-decode';
import { resizeBilinear, type CropBox } from './resize';
import type { Rng } from './rng';

/** RandomResizedCrop's ranges (torchvision defaults): area fraction and aspect ratio w/h. */
export interface RandomResizedCropOptions {
  scale?: readonly [number, number];
  ratio?: readonly [number, number];
}

/** torchvision `Resize(short)`: the shorter side becomes `short`, the longer one int(short·long/short). */
export function shorterSideSize(height: number, width: number, short: number): [number, number] {
  if (width <= height) return [Math.floor((short * height) / width), short];
  return [short, Math.floor((short * width) / height)];
}

/** torchvision `CenterCrop(size)` offsets, with Python's round-half-to-even. */
export function centerCropBox(height: number, width: number, size: number): CropBox {
  if (size > height || size > width) throw new Error(`centerCropBox: crop ${size} is larger than the ${height}×${width} image`);
  return { top: roundHalfEven((height - size) / 2), left: roundHalfEven((width - size) / 2), height: size, width: size };
}

/**
 * torchvision `RandomResizedCrop.get_params`: up to 10 tries at a box with a random area fraction in
 * `scale` and a log-uniform aspect ratio in `ratio` that fits, else a centred crop clamped to `ratio`.
 */
export function randomResizedCropBox(height: number, width: number, rng: Rng, opts: RandomResizedCropOptions = {}): CropBox {
  const [sLo, sHi] = opts.scale ?? [0.08, 1];
  const [rLo, rHi] = opts.ratio ?? [3 / 4, 4 / 3];
  const area = height * width;
  const logLo = Math.log(rLo);
  const logHi = Math.log(rHi);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (sLo + (sHi - sLo) * rng.nextFloat());
    const aspect = Math.exp(logLo + (logHi - logLo) * rng.nextFloat());
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.nextInt(height - h + 1), left: rng.nextInt(width - w + 1), height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < rLo) h = Math.round(w / rLo);
  else if (inRatio > rHi) w = Math.round(h * rHi);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** Evaluation view: shorter side to `resizeTo` (default round(size·256/224)), then the centre size×size. */
export function resizeCenterCrop(img: RgbImage, size: number, resizeTo = Math.round((size * 256) / 224)): Uint8Array {
  if (resizeTo < size) throw new Error(`resizeCenterCrop: resizeTo ${resizeTo} is smaller than the crop ${size}`);
  const [h, w] = shorterSideSize(img.height, img.width, resizeTo);
  const resized = resizeBilinear(img.data, img.height, img.width, 3, h, w);
  return resizeBilinear(resized, h, w, 3, size, size, { crop: centerCropBox(h, w, size) });
}

/** Training view: RandomResizedCrop(size) then a horizontal flip with probability 1/2, all from `rng`. */
export function randomResizedCropFlip(img: RgbImage, size: number, rng: Rng, opts: RandomResizedCropOptions = {}): Uint8Array {
  const crop = randomResizedCropBox(img.height, img.width, rng, opts);
  const out = resizeBilinear(img.data, img.height, img.width, 3, size, size, { crop });
  if (rng.nextFloat() < 0.5) flipHorizontal(out, size, size, 3);
  return out;
}

/** Mirrors an H×W×C image left-right in place. */
export function flipHorizontal(data: Uint8Array, height: number, width: number, channels: number): void {
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let a = 0, b = width - 1; a < b; a++, b--) {
      for (let c = 0; c < channels; c++) {
        const i = row + a * channels + c;
        const j = row + b * channels + c;
        const t = data[i];
        data[i] = data[j];
        data[j] = t;
      }
    }
  }
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d !== 0.5) return Math.round(x);
  return f % 2 === 0 ? f : f + 1;
}
