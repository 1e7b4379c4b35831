import * as tf from '@tensorflow/tfjs-core';

/** The first variable holding NaN or ±Inf, by name, or undefined when all are finite. */
export function firstNonFinite(vars: ReadonlyMap<string, tf.Variable>): string | undefined {
  for (const [name, v] of vars) {
    const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(v))));
    const found = bad.dataSync()[0] === 1;
    bad.dispose();
    if (found) return name;
  }
  return undefined;
}
