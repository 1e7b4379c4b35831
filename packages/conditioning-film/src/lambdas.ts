import { Rng, type Condition } from '@floatjs/engine';

/** OAT's default λ set S_λ (`lambda_choices` in OAT.py); its order fixes the encoding rows. */
export const DEFAULT_LAMBDAS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 1];

/**
 * The condition key under which a forward may carry one λ per sample (a `Float32Array` or `number[]`
 * as long as the batch). Without it, `cond.lambda` applies to every sample.
 */
export const FILM_LAMBDAS = 'film.lambdas';

/** λs closer than this are the same choice (so 0.1 survives a float32 round trip). */
const TOLERANCE = 1e-6;

/** Checks a λ set: non-empty, each in [0, 1], no duplicates. Returns a copy. */
export function checkLambdaSet(lambdas: readonly number[], who: string): number[] {
  if (!Array.isArray(lambdas) || lambdas.length === 0) throw new Error(`${who}: lambdas must be a non-empty array of numbers in [0, 1]`);
  for (const l of lambdas) {
    if (typeof l !== 'number' || !(l >= 0 && l <= 1)) throw new Error(`${who}: every λ must be a number in [0, 1], got ${String(l)}`);
  }
  for (let i = 0; i < lambdas.length; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(lambdas[i] - lambdas[j]) <= TOLERANCE) throw new Error(`${who}: λ = ${lambdas[i]} is listed twice`);
    }
  }
  return [...lambdas];
}

/** Position of λ in the set (its encoding row); throws a clear error for a λ the model was not trained with. */
export function lambdaIndex(lambdas: readonly number[], lambda: number): number {
  for (let i = 0; i < lambdas.length; i++) if (Math.abs(lambdas[i] - lambda) <= TOLERANCE) return i;
  throw new Error(
    `film: λ = ${lambda} is not in the model's λ set {${lambdas.join(', ')}}; an OAT model is conditioned only on the λs it was trained with`,
  );
}

export function inLambdaSet(lambdas: readonly number[], lambda: number): boolean {
  return lambdas.some((l) => Math.abs(l - lambda) <= TOLERANCE);
}

export function isZeroLambda(lambda: number): boolean {
  return Math.abs(lambda) <= TOLERANCE;
}

/**
 * The per-sample λs a condition carries (`cond['film.lambdas']`), or null when it carries none.
 * Throws when the value is not an array of numbers or does not match the batch size.
 */
export function perSampleLambdas(cond: Condition, batch?: number): ArrayLike<number> | null {
  const v = cond[FILM_LAMBDAS];
  if (v === undefined || v === null) return null;
  if (!(v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v))) {
    throw new Error(`film: condition["${FILM_LAMBDAS}"] must be a Float32Array or number[] of per-sample λs`);
  }
  if (batch !== undefined && v.length !== batch) {
    throw new Error(`film: condition["${FILM_LAMBDAS}"] holds ${v.length} λs for a batch of ${batch} samples`);
  }
  return v as ArrayLike<number>;
}

/**
 * A random orthogonal dim×dim matrix, row-major: a seeded standard-Gaussian matrix orthonormalised by
 * modified Gram-Schmidt on its columns (in float64), the Q of its QR decomposition as OAT's
 * `np.linalg.qr(randn(dim, dim))`, up to column signs (numpy's Householder QR may flip some). Q is square,
 * so its rows, the λ encodings, are orthonormal too.
 */
export function randomOrthogonal(dim: number, seed: number): Float32Array {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`film: dim must be a positive integer, got ${dim}`);
  const rng = new Rng(`film-encoding:${seed}`);
  // cols[j][i] = A[i][j]
  const cols: Float64Array[] = Array.from({ length: dim }, () => new Float64Array(dim));
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cols[j][i] = rng.normal();
  for (let j = 0; j < dim; j++) {
    const v = cols[j];
    // Two passes of projection keep the columns orthogonal to float64 precision.
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const q = cols[k];
        let dot = 0;
        for (let i = 0; i < dim; i++) dot += q[i] * v[i];
        for (let i = 0; i < dim; i++) v[i] -= dot * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) throw new Error('film: degenerate random matrix; choose another seed');
    for (let i = 0; i < dim; i++) v[i] /= norm;
  }
  const out = new Float32Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) out[i * dim + j] = cols[j][i];
  return out;
}
