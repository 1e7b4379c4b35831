import * as tf from '@tensorflow/tfjs-core';

/**
 * Inference-mode batch norm as y = x·s + t, with s = γ/√(v + ε) and t = β − μ·s computed on [C] vectors.
 * Attacks differentiate through this on every step and need only dx = dy·s. Built from Mul and Add, the
 * tape computes dγ and dβ only when something asks for them, and both element-wise passes run in the
 * backend's SIMD kernels. tfjs's own batchNorm gradient tiles the per-channel factors to the full shape
 * and computes every input's gradient. Running statistics are inputs here, never outputs.
 */
export function batchNormInfer(
  x: tf.Tensor4D,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const { scale, shift } = inferenceAffine(mean, variance, gamma, beta, epsilon);
    return tf.add(tf.mul(x, scale), shift);
  });
}

/** The per-channel s = γ/√(v + ε) and t = β − μ·s of inference-mode batch norm (differentiable). */
export function inferenceAffine(
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  return tf.tidy(() => {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon))) as tf.Tensor1D;
    return { scale, shift: tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D };
  });
}
