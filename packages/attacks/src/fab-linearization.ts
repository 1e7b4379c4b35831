import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from './types';

/** Per sample, the linearized boundary FAB steps toward: f(x₁ + δ) ≈ df + ⟨dg, δ⟩ = 0. */
export type Linearization = {
  /** df per sample: z_target − z_y at x₁ (negative while the point is still on y's side). */
  df: Float64Array;
  /** dg per sample, [n·features]: ∇x (z_target − z_y) at x₁. */
  dg: Float32Array;
};

/**
 * Targeted: the boundary between y and a fixed target class, from one forward and backward pass.
 * Untargeted: the boundary between y and the class k ≠ y whose linearized boundary is nearest in ℓ∞,
 * |z_k − z_y| / ‖∇(z_k − z_y)‖₁; all class gradients come from one pass over the batch tiled once per class.
 */
export function fabLinearization(
  logitsFn: LogitsFn,
  x1: tf.Tensor4D,
  labels: Int32Array,
  targets: Int32Array | null,
  classCount: number,
): Linearization {
  return targets ? targetedLinearization(logitsFn, x1, labels, targets) : nearestLinearization(logitsFn, x1, labels, classCount);
}

function targetedLinearization(logitsFn: LogitsFn, x1: tf.Tensor4D, labels: Int32Array, targets: Int32Array): Linearization {
  const { value, grad } = tf.tidy(() => {
    const classes = (values: Int32Array, k: number) => tf.oneHot(tf.tensor1d(values, 'int32'), k);
    const { value, grads } = tf.engine().gradients(() => {
      const logits = logitsFn(x1);
      const k = logits.shape[1];
      return tf.sum(tf.mul(tf.sub(classes(targets, k), classes(labels, k)), logits), 1);
    }, [x1]);
    return { value, grad: grads[0] };
  });
  return { df: Float64Array.from(readAndDispose(value)), dg: readAndDispose(grad) };
}

function nearestLinearization(logitsFn: LogitsFn, x1: tf.Tensor4D, labels: Int32Array, classCount: number): Linearization {
  const n = x1.shape[0];
  const features = x1.size / n;
  const tensors = tf.tidy(() => {
    // Block k of the tiled batch differentiates logit k, so one backward pass yields every class gradient.
    const tiled = tf.tile(x1, [classCount, 1, 1, 1]) as tf.Tensor4D;
    const rowClass = tf.tensor1d(
      Array.from({ length: classCount * n }, (_, row) => Math.floor(row / n)),
      'int32',
    );
    const { value, grads } = tf.engine().gradients(
      () => tf.sum(tf.mul(tf.oneHot(rowClass, classCount), logitsFn(tiled)), 1),
      [tiled],
    );
    return { value, grad: grads[0] };
  });
  const z = readAndDispose(tensors.value);
  const g = readAndDispose(tensors.grad);
  const df = new Float64Array(n);
  const dg = new Float32Array(n * features);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const zy = z[y * n + i];
    const gy = g.subarray((y * n + i) * features, (y * n + i + 1) * features);
    let bestK = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let k = 0; k < classCount; k++) {
      if (k === y) continue;
      const gk = g.subarray((k * n + i) * features, (k * n + i + 1) * features);
      let l1 = 0;
      for (let j = 0; j < features; j++) l1 += Math.abs(gk[j] - gy[j]);
      const distance = Math.abs(z[k * n + i] - zy) / (l1 + 1e-12);
      if (distance < bestDistance) {
        bestDistance = distance;
        bestK = k;
      }
    }
    df[i] = z[bestK * n + i] - zy;
    const gk = g.subarray((bestK * n + i) * features, (bestK * n + i + 1) * features);
    for (let j = 0; j < features; j++) dg[i * features + j] = gk[j] - gy[j];
  }
  return { df, dg };
}

/**
 * The tensor's values, then the tensor is freed. Reading outside `tf.tidy` matters: tidy walks a returned
 * typed array element by element looking for tensors, which costs seconds on large gradients.
 */
function readAndDispose(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}
