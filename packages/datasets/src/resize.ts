/** A rectangle of a source image, in whole pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface ResizeOptions {
  /** Resize only this part of the source, as if it had been cut out first. Default: the whole image. */
  crop?: CropBox;
  /**
   * Default true: when shrinking, widen the triangle filter by the scale factor (PIL's bilinear,
   * which torchvision uses for PIL images), so downscaling averages instead of aliasing. When
   * enlarging it makes no difference; false gives plain 2-tap bilinear.
   */
  antialias?: boolean;
}

/**
 * Bilinear resize of a height·width·channels uint8 image (row-major, interleaved channels) to
 * dstHeight·dstWidth, with pixel centres at i + 0.5 and edge pixels renormalised (no padding).
 * Separable: rows first into a float buffer, then columns; rounded to the nearest byte once.
 */
export function resizeBilinear(
  src: Uint8Array,
  height: number,
  width: number,
  channels: number,
  dstHeight: number,
  dstWidth: number,
  opts: ResizeOptions = {},
): Uint8Array {
  for (const [k, v] of Object.entries({ height, width, channels, dstHeight, dstWidth })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`resizeBilinear: ${k} must be a positive integer, got ${v}`);
  }
  if (src.length !== height * width * channels) {
    throw new Error(`resizeBilinear: expected ${height}×${width}×${channels} = ${height * width * channels} bytes, got ${src.length}`);
  }
  const box = opts.crop ?? { top: 0, left: 0, height, width };
  const inside = (a: number, n: number, limit: number) => Number.isInteger(a) && Number.isInteger(n) && a >= 0 && n >= 1 && a + n <= limit;
  if (!inside(box.top, box.height, height) || !inside(box.left, box.width, width)) {
    throw new Error(`resizeBilinear: crop ${JSON.stringify(box)} is not a non-empty whole-pixel box inside ${height}×${width}`);
  }
  const antialias = opts.antialias ?? true;
  const cols = axisWeights(box.left, box.width, dstWidth, antialias);
  const rows = axisWeights(box.top, box.height, dstHeight, antialias);

  // Horizontal pass over only the rows the crop uses.
  const rowStride = dstWidth * channels;
  const mid = new Float32Array(box.height * rowStride);
  for (let y = 0; y < box.height; y++) {
    const srcRow = (box.top + y) * width * channels;
    const midRow = y * rowStride;
    for (let x = 0; x < dstWidth; x++) {
      const first = srcRow + cols.start[x] * channels;
      const taps = cols.count[x];
      const w0 = x * cols.stride;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0, p = first + c; k < taps; k++, p += channels) acc += cols.weights[w0 + k] * src[p];
        mid[midRow + x * channels + c] = acc;
      }
    }
  }
  const out = new Uint8Array(dstHeight * rowStride);
  for (let y = 0; y < dstHeight; y++) {
    const first = (rows.start[y] - box.top) * rowStride;
    const taps = rows.count[y];
    const w0 = y * rows.stride;
    const dst = y * rowStride;
    for (let i = 0; i < rowStride; i++) {
      let acc = 0;
      for (let k = 0, p = first + i; k < taps; k++, p += rowStride) acc += rows.weights[w0 + k] * mid[p];
      out[dst + i] = acc <= 0 ? 0 : acc >= 255 ? 255 : Math.round(acc);
    }
  }
  return out;
}

/** For each output position: first source index (absolute), tap count, and `stride` normalised weights. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  stride: number;
  weights: Float64Array;
}

/** Which inputs of [offset, offset + size) contribute to each output position, and how much. */
function axisWeights(offset: number, size: number, outSize: number, antialias: boolean): Taps {
  const scale = size / outSize;
  const stretch = antialias ? Math.max(scale, 1) : 1;
  const stride = Math.ceil(2 * stretch) + 2;
  const taps: Taps = { start: new Int32Array(outSize), count: new Int32Array(outSize), stride, weights: new Float64Array(outSize * stride) };
  for (let i = 0; i < outSize; i++) {
    const center = offset + (i + 0.5) * scale;
    const lo = Math.max(offset, Math.floor(center - stretch + 0.5));
    const hi = Math.min(offset + size, Math.floor(center + stretch + 0.5));
    const w0 = i * stride;
    let sum = 0;
    for (let j = lo; j < hi; j++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - center) / stretch));
      taps.weights[w0 + j - lo] = w;
      sum += w;
    }
    if (sum > 0) {
      for (let k = 0; k < hi - lo; k++) taps.weights[w0 + k] /= sum;
      taps.start[i] = lo;
      taps.count[i] = hi - lo;
    } else {
      // Only reachable through float edge cases: take the nearest pixel.
      taps.start[i] = Math.min(Math.max(Math.floor(center), offset), offset + size - 1);
      taps.count[i] = 1;
      taps.weights[w0] = 1;
    }
  }
  return taps;
}
