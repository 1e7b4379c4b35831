// The part of packages/slimmable/src/test-utils/fakes.ts that the slimmable recipes here need: a one-step FGSM
// adversary and a fixed batch source.
import * as tf from '@tensorflow/tfjs-core';
import { meanCrossEntropy, Rng, type Adversary, type Batch, type BatchSource, type InputSpec } from '@floatjs/engine';

/** One-step FGSM against the logits function it is given (the attacked condition, width included). */
export const fgsm: Adversary = (f, x, y) =>
  tf.tidy(() => {
    const g = tf.grad((xi: tf.Tensor) => meanCrossEntropy(f(xi as tf.Tensor4D), y))(x);
    return tf.clipByValue(tf.add(x, tf.mul(tf.sign(g), 0.03)), 0, 1) as tf.Tensor4D;
  });

/** `batches` fixed batches of uniform random images with cycling labels, the same every epoch. */
export function source(batches: number, spec: InputSpec, batch = 6, seed = 7): BatchSource {
  const rng = new Rng(seed);
  const list: Batch[] = Array.from({ length: batches }, () => ({
    x: Float32Array.from({ length: batch * spec.height * spec.width * spec.channels }, () => rng.nextFloat()),
    y: Int32Array.from({ length: batch }, (_, i) => i % spec.numClasses),
    size: batch,
  }));
  return { batchesPerEpoch: batches, batches: () => list };
}
