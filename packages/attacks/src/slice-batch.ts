import * as tf from '@tensorflow/tfjs-core';
import type { BatchRange } from './batches';

/** Rows [start, start + size) of images and labels; new tensors the caller disposes. */
export function sliceBatch(
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  { start, size }: BatchRange,
): { xb: tf.Tensor4D; yb: tf.Tensor1D } {
  return {
    xb: tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]),
    yb: tf.slice(y, [start], [size]),
  };
}
