/**
 * Box-Muller from two uint32 draws with log, sin and cos written out in plain IEEE double arithmetic
 * (range reduction that is exact, then Horner polynomials), so that the native fill in
 * @floatjs/native-kernels (the same operations, compiled without FMA contraction) gives bit-identical
 * values. Accuracy: a few units in the last place of a double, far below float32 resolution.
 */

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;
const HALF_PI = 1.5707963267948966;
const TWO_M30 = 1 / 1073741824;
/** 2^-e for e = 0..31, exact. */
const INV_POW2 = Float64Array.from({ length: 32 }, (_, e) => 1 / 2 ** e);

/** √(−2·ln(k / 2^32)) for an integer k in [1, 2^32). */
export function boxMullerRadius(k: number): number {
  // k = 2^e · m with m in [√½, √2), both exact.
  let e = 31 - Math.clz32(k);
  let m = k * INV_POW2[e];
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  // ln m = 2·atanh(s) = 2s·(1 + z/3 + z²/5 + … + z^10/21), s = (m − 1)/(m + 1), z = s² ≤ 0.0295.
  const s = (m - 1) / (m + 1);
  const z = s * s;
  let p = 1 / 21;
  p = p * z + 1 / 19;
  p = p * z + 1 / 17;
  p = p * z + 1 / 15;
  p = p * z + 1 / 13;
  p = p * z + 1 / 11;
  p = p * z + 1 / 9;
  p = p * z + 1 / 7;
  p = p * z + 1 / 5;
  p = p * z + 1 / 3;
  p = p * z + 1;
  const ln = (e - 32) * LN2 + 2 * s * p;
  return Math.sqrt(-2 * ln);
}

/** sin θ and cos θ for θ in [0, π/4] (Taylor to θ^15 and θ^16), into out[0] and out[1]. */
function sinCosOctant(t: number, out: Float64Array): void {
  const z = t * t;
  let s = -1 / 1307674368000;
  s = s * z + 1 / 6227020800;
  s = s * z - 1 / 39916800;
  s = s * z + 1 / 362880;
  s = s * z - 1 / 5040;
  s = s * z + 1 / 120;
  s = s * z - 1 / 6;
  s = s * z + 1;
  let c = 1 / 20922789888000;
  c = c * z - 1 / 87178291200;
  c = c * z + 1 / 479001600;
  c = c * z - 1 / 3628800;
  c = c * z + 1 / 40320;
  c = c * z - 1 / 720;
  c = c * z + 1 / 24;
  c = c * z - 1 / 2;
  c = c * z + 1;
  out[0] = t * s;
  out[1] = c;
}

/** cos(2π·k/2^32) and sin(2π·k/2^32) for an integer k in [0, 2^32), into out[0] and out[1]. */
export function unitCircle(k: number, out: Float64Array): void {
  // Quadrant from the top two bits; the fraction within it is exact.
  const q = k >>> 30;
  const f = (k & 0x3fffffff) * TWO_M30;
  let s: number;
  let c: number;
  if (f <= 0.5) {
    sinCosOctant(f * HALF_PI, out);
    s = out[0];
    c = out[1];
  } else {
    sinCosOctant((1 - f) * HALF_PI, out);
    s = out[1];
    c = out[0];
  }
  // Rotate by q quarter turns.
  if (q === 0) {
    out[0] = c;
    out[1] = s;
  } else if (q === 1) {
    out[0] = -s;
    out[1] = c;
  } else if (q === 2) {
    out[0] = -c;
    out[1] = -s;
  } else {
    out[0] = s;
    out[1] = -c;
  }
}
