import * as tf from '@tensorflow/tfjs-core';

/** Rows `indices` of `t` (a new tensor). Attacks use it to run only on the points that are still robust. */
export function gatherRows<T extends tf.Tensor>(t: T, indices: readonly number[]): T {
  return tf.tidy(() => tf.gather(t, tf.tensor1d(indices as number[], 'int32')) as T);
}

/**
 * A copy of `base` whose rows `indices` are replaced by the rows of `rows` (in order): the scatter that
 * puts a subset's attack results back. One gather over [base; rows], so it works on every backend.
 */
export function mergeRows<T extends tf.Tensor>(base: T, rows: T, indices: readonly number[]): T {
  if (rows.shape[0] !== indices.length) {
    throw new RangeError(`mergeRows: ${rows.shape[0]} rows for ${indices.length} indices`);
  }
  const n = base.shape[0];
  const source = Array.from({ length: n }, (_, i) => i);
  indices.forEach((row, k) => {
    source[row] = n + k;
  });
  return tf.tidy(() => tf.gather(tf.concat([base, rows], 0), tf.tensor1d(source, 'int32')) as T);
}

/**
 * Per row, `a` where `condition` holds and `b` elsewhere ([n] condition, [n, …] values). Written as
 * a·m + b·(1 − m), exact for finite values: `tf.where` broadcasts the condition to the full shape first,
 * which is an order of magnitude slower on the cpu and wasm backends.
 */
export function selectRows<T extends tf.Tensor>(condition: tf.Tensor, a: T, b: T): T {
  return tf.tidy(() => {
    const m = tf.reshape(tf.cast(condition, 'float32'), [a.shape[0], ...a.shape.slice(1).map(() => 1)]);
    return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m))) as T;
  });
}
