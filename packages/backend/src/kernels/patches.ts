import type * as tf from '@tensorflow/tfjs-core';

/**
 * Transposed im2col: colsT[(i·KW + j)·Ci + c][m] = x_pad[n, oh·sh + i·dh, ow·sw + j·dw, c] with
 * m = (n·OH + oh)·OW + ow. Rows follow the tfjs kernel layout [KH, KW, Ci], so colsT · dy = dW directly,
 * with no transpose (transposes are the slowest kernels of the wasm backend).
 */
export function im2colTransposed(x: Float32Array, info: tf.backend_util.Conv2DInfo, out: Float32Array): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const m = n * oh * ow;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const rowBase = (i * kw + j) * ci * m;
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < oh; y++) {
          const iy = y * sh + i * dh - top;
          const col0 = (b * oh + y) * ow;
          if (iy < 0 || iy >= h) continue;
          const xRow = (b * h + iy) * w;
          for (let xo = 0; xo < ow; xo++) {
            const ix = xo * sw + j * dw - left;
            if (ix < 0 || ix >= w) continue;
            const src = (xRow + ix) * ci;
            let dst = rowBase + col0 + xo;
            for (let c = 0; c < ci; c++, dst += m) out[dst] = x[src + c];
          }
        }
      }
    }
  }
}
