import type { ConvGeometry } from '../index';

/** Straightforward float64 convolutions over the same layouts as the addon: the reference in tests. */
export function referenceConv(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean): Float64Array {
  const y = new Float64Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
  forEachTap(g, (xi, yi, wi) => {
    for (let c = 0; c < g.inChannels; c++) {
      const xv = x[xi + c];
      for (let o = 0; o < g.outChannels; o++) y[yi + o] += xv * w[wi + c * g.outChannels + o];
    }
  });
  for (let i = 0; i < y.length; i++) {
    if (bias) y[i] += bias[i % g.outChannels];
    if (relu) y[i] = Math.max(0, y[i]);
  }
  return y;
}

export function referenceInputGrad(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float64Array {
  const dx = new Float64Array(g.batch * g.inHeight * g.inWidth * g.inChannels);
  forEachTap(g, (xi, yi, wi) => {
    for (let c = 0; c < g.inChannels; c++) {
      let s = 0;
      for (let o = 0; o < g.outChannels; o++) s += dy[yi + o] * w[wi + c * g.outChannels + o];
      dx[xi + c] += s;
    }
  });
  return dx;
}

export function referenceFilterGrad(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float64Array {
  const dw = new Float64Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
  forEachTap(g, (xi, yi, wi) => {
    for (let c = 0; c < g.inChannels; c++) {
      const xv = x[xi + c];
      for (let o = 0; o < g.outChannels; o++) dw[wi + c * g.outChannels + o] += xv * dy[yi + o];
    }
  });
  return dw;
}

/** Calls fn(x pixel offset, y pixel offset, filter tap offset) for every tap that lands inside the input. */
function forEachTap(g: ConvGeometry, fn: (xi: number, yi: number, wi: number) => void): void {
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let kh = 0; kh < g.filterHeight; kh++)
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const iy = oy * g.strideHeight + kh * g.dilationHeight - g.padTop;
            const ix = ox * g.strideWidth + kw * g.dilationWidth - g.padLeft;
            if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
            fn(((n * g.inHeight + iy) * g.inWidth + ix) * g.inChannels, ((n * g.outHeight + oy) * g.outWidth + ox) * g.outChannels, (kh * g.filterWidth + kw) * g.inChannels * g.outChannels);
          }
}

/**
 * The geometry of a conv with `pad` before and `padAfter` after each spatial axis (output size as
 * TensorFlow computes it).
 */
export function geometryOf(o: {
  n: number; h: number; w: number; ci: number; co: number; kh: number; kw?: number; s: number; sw?: number; d?: number; pad: number; padAfter?: number;
}): ConvGeometry {
  const kw = o.kw ?? o.kh;
  const sw = o.sw ?? o.s;
  const d = o.d ?? 1;
  const after = o.padAfter ?? o.pad;
  return {
    batch: o.n, inHeight: o.h, inWidth: o.w, inChannels: o.ci,
    outHeight: Math.floor((o.h + o.pad + after - ((o.kh - 1) * d + 1)) / o.s) + 1,
    outWidth: Math.floor((o.w + o.pad + after - ((kw - 1) * d + 1)) / sw) + 1,
    outChannels: o.co, filterHeight: o.kh, filterWidth: kw, strideHeight: o.s, strideWidth: sw,
    dilationHeight: d, dilationWidth: d, padTop: o.pad, padLeft: o.pad,
  };
}

/** Seeded uniform values in [-1, 1) (a 32-bit LCG: tests need reproducible data, not quality). */
export function seeded(size: number, seed: number): Float32Array {
  const a = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** max |a − b| / max |b|. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return Number.isNaN(num) ? Infinity : num / Math.max(den, 1e-30);
}
