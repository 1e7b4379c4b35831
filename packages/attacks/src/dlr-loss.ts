import * as tf from '@tensorflow/tfjs-core';

/**
 * Class indices of the k largest logits per row, [n, k], as a constant: the ranking is read back and
 * rebuilt from data, because `topk`, `argMax` and `equal` have no gradients in tfjs and must not sit on
 * the path from the input to the loss. Gradients then flow through the selected logits only.
 */
function topClasses(logits: tf.Tensor2D, k: number): tf.Tensor2D {
  const { values, indices } = tf.topk(logits, k);
  try {
    return tf.tensor2d(indices.dataSync() as Int32Array, indices.shape as [number, number], 'int32');
  } finally {
    tf.dispose([values, indices]);
  }
}

/** The logit of the k-th largest class per row (k = 1 is the max) for k = 1..count. */
function rankedLogits(logits: tf.Tensor2D, ranking: tf.Tensor2D, count: number): tf.Tensor1D[] {
  return Array.from({ length: count }, (_, r) => {
    const column = tf.reshape(tf.slice(ranking, [0, r], [-1, 1]), [-1]) as tf.Tensor1D;
    return logitOf(logits, column);
  });
}

function logitOf(logits: tf.Tensor2D, classes: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.sum<tf.Tensor1D>(tf.mul(tf.oneHot(tf.cast(classes, 'int32'), logits.shape[1]), logits), 1));
}

function requireClasses(logits: tf.Tensor2D, minimum: number, loss: string): void {
  if (logits.shape[1] < minimum) {
    throw new RangeError(`${loss} needs at least ${minimum} classes, the logits have ${logits.shape[1]}`);
  }
}

/**
 * Difference of Logits Ratio (Croce & Hein 2020), per sample:
 * −(z_y − max_{i≠y} z_i) / (z_π1 − z_π3 + 1e−12), π sorting the logits in decreasing order.
 * Shift- and scale-invariant in the logits, so a model cannot hide behind saturated or rescaled logits.
 * Needs ≥ 3 classes.
 */
export function dlrLoss(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  requireClasses(logits, 3, 'the DLR loss');
  return tf.tidy(() => {
    const ranking = topClasses(logits, 3);
    const [first, second, third] = rankedLogits(logits, ranking, 3);
    const zy = logitOf(logits, y);
    const top = ranking.dataSync();
    const labels = y.dataSync();
    const yIsTop = tf.tensor1d(Array.from(labels, (label, i) => (top[3 * i] === Math.round(label) ? 1 : 0)));
    // The largest other logit is the runner-up when y is the top class, else the top one.
    const bestOther = tf.add(tf.mul(yIsTop, second), tf.mul(tf.sub(1, yIsTop), first));
    return tf.div<tf.Tensor1D>(tf.neg(tf.sub(zy, bestOther)), tf.add(tf.sub(first, third), 1e-12));
  });
}

/**
 * Targeted DLR (APGD-T), per sample: −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e−12). Needs ≥ 4 classes.
 */
export function targetedDlrLoss(logits: tf.Tensor2D, y: tf.Tensor1D, target: tf.Tensor1D): tf.Tensor1D {
  requireClasses(logits, 4, 'the targeted DLR loss');
  return tf.tidy(() => {
    const [first, , third, fourth] = rankedLogits(logits, topClasses(logits, 4), 4);
    const gap = tf.sub(logitOf(logits, y), logitOf(logits, target));
    const scale = tf.add(tf.sub(first, tf.mul(tf.add(third, fourth), 0.5)), 1e-12);
    return tf.div<tf.Tensor1D>(tf.neg(gap), scale);
  });
}
