type Flat = Float32Array | Uint8Array | Int32Array;

/**
 * The leading block `[0, size[0]) × [0, size[1]) × …` of a row-major array of `shape`, as a new array of
 * the same type: the first k channels on every axis, as a slimmable width takes them. Works on kernels
 * and on anything laid out like them (e.g. pruning masks, whose bits follow their kernel's layout).
 */
export function slicePrefix<T extends Flat>(data: T, shape: readonly number[], size: readonly number[]): T {
  const total = shape.reduce((a, b) => a * b, 1);
  if (data.length !== total) throw new Error(`slicePrefix: data has ${data.length} elements, shape [${shape}] needs ${total}`);
  if (size.length !== shape.length || size.some((s, i) => !Number.isInteger(s) || s < 0 || s > shape[i])) {
    throw new Error(`slicePrefix: size [${size}] must have one entry per axis of [${shape}], each within its axis`);
  }
  const out = new (data.constructor as new (n: number) => T)(size.reduce((a, b) => a * b, 1));
  const rank = shape.length;
  if (rank === 0 || out.length === 0) {
    if (rank === 0) out[0] = data[0];
    return out;
  }
  // Copy whole runs along the last axis; walk the other axes like an odometer.
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1] * shape[a + 1];
  const idx = new Array<number>(rank - 1).fill(0);
  const run = size[rank - 1];
  let o = 0;
  for (;;) {
    let src = 0;
    for (let a = 0; a < rank - 1; a++) src += idx[a] * strides[a];
    out.set(data.subarray(src, src + run), o);
    o += run;
    let a = rank - 2;
    while (a >= 0 && ++idx[a] === size[a]) idx[a--] = 0;
    if (a < 0) return out;
  }
}
