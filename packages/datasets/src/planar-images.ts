/**
 * Copies one planar image (all of channel 0, then channel 1, …) from `src` at `srcOff` into
 * interleaved HWC order in `dst` at `dstOff`. `columnMajor` says how each plane is stored:
 * row-major (CIFAR: pixel (c, r, k) at c·h·w + r·w + k) or column-major (MATLAB's SVHN and STL-10:
 * pixel (c, r, k) at c·h·w + k·h + r).
 */
export function planarToHwc(
  src: Uint8Array,
  srcOff: number,
  dst: Uint8Array,
  dstOff: number,
  height: number,
  width: number,
  channels: number,
  columnMajor: boolean,
): void {
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const p = srcOff + c * plane;
    if (columnMajor) {
      for (let k = 0; k < width; k++) {
        const col = p + k * height;
        for (let r = 0; r < height; r++) dst[dstOff + (r * width + k) * channels + c] = src[col + r];
      }
    } else {
      for (let i = 0; i < plane; i++) dst[dstOff + i * channels + c] = src[p + i];
    }
  }
}
