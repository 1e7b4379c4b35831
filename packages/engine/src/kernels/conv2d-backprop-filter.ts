import * as tf from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from './conv-info';
import { im2colTransposed } from './patches';
import { floatView, outputTensor } from './tensor-memory';

/**
 * dW = im2col(x)ᵀ · dy: the patches are written already transposed ([KH·KW·Ci, N·OH·OW]) in JS, and the
 * product runs in the backend's matrix multiply. The stock wasm backend has no Conv2DBackpropFilter.
 */
export function conv2dBackpropFilterViaMatMul(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: ConvAttrs,
  filterShape: [number, number, number, number],
): tf.Tensor4D {
  const info = convInfoOf(x.shape, filterShape, attrs);
  const [kh, kw, ci, co] = filterShape;
  const k = kh * kw * ci;
  const m = info.batchSize * info.outHeight * info.outWidth;
  const backend = tf.backend();
  const colsT = outputTensor([k, m], (out) => im2colTransposed(floatView(backend, x), info, out));
  const dy2d = tf.reshape(dy, [m, co]);
  try {
    const dW = tf.matMul(colsT, dy2d);
    const result = tf.reshape(dW, [kh, kw, ci, co]) as tf.Tensor4D;
    dW.dispose();
    return result;
  } finally {
    colsT.dispose();
    dy2d.dispose();
  }
}
