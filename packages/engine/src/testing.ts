/** Numeric helpers for testing models and plugins: whole-tensor errors, bit equality, variable snapshots. */
import * as tf from '@tensorflow/tfjs-core';

type Numeric = ArrayLike<number>;

/** max |a − b| / max |b|: one relative error for a whole tensor, robust to entries near zero. */
export function maxRelErr(a: Numeric, b: Numeric): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-12);
}

/** Whether two float arrays hold the same bit patterns (NaN == NaN, +0 != −0). */
export function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}

/** Copies of every variable's values, by name. */
export function snapshot(vars: ReadonlyMap<string, tf.Variable>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of vars) out.set(name, Float32Array.from(v.dataSync() as Float32Array));
  return out;
}

/** Names whose values differ (bitwise) between two snapshots. */
export function changedNames(before: Map<string, Float32Array>, after: Map<string, Float32Array>): string[] {
  return [...before.keys()].filter((n) => !bitEqual(before.get(n)!, after.get(n)!));
}

export function mean(a: Numeric): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/** Population standard deviation. */
export function std(a: Numeric): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / a.length);
}

/**
 * Makes a stock tfjs backend (`cpu`, or `wasm` with one thread) the active one, for tests of the engine and
 * of plugins: tfjs's own kernels and the engine ops' stock-op versions, none of @floatjs/backend's. The
 * backend's tfjs package must be installed (a dev dependency of the tests' package).
 */
export async function useStockBackend(name: 'cpu' | 'wasm' = 'cpu'): Promise<void> {
  if (name === 'wasm') {
    // Read when the backend first initialises; later calls change nothing.
    (await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(1);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(name))) throw new Error(`useStockBackend: the ${name} backend failed to initialise`);
  // The cpu backend's banner advises tfjs-node on first use; tests do not need it.
  if (name === 'cpu') (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}
