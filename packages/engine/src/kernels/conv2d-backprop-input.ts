import * as tf from '@tensorflow/tfjs-core';
import { convInfoOf, type ConvAttrs } from './conv-info';
import { col2im, transpose2d } from './patches';
import { floatView, outputTensor } from './tensor-memory';

/**
 * dx = col2im(dy · Wᵀ): one matrix multiply in the backend ([N·OH·OW, Co] × [Co, KH·KW·Ci]) and the
 * scatter-add in JS. Unlike a dilated forward conv it does no work on the zeros a stride inserts, and it
 * handles any stride, padding and dilation. The stock wasm kernel is a direct loop, several times slower.
 */
export function conv2dBackpropInputViaMatMul(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: ConvAttrs,
  inputShape: [number, number, number, number],
): tf.Tensor4D {
  const info = convInfoOf(inputShape, filter.shape, attrs);
  const [kh, kw, ci, co] = filter.shape;
  const k = kh * kw * ci;
  const m = info.batchSize * info.outHeight * info.outWidth;
  const backend = tf.backend();
  const wT = outputTensor([co, k], (out) => transpose2d(floatView(backend, filter), k, co, out));
  const dy2d = tf.reshape(dy, [m, co]);
  let cols: tf.Tensor | undefined;
  try {
    cols = tf.matMul(dy2d, wT);
    const colsInfo = cols;
    return outputTensor(inputShape, (out) => col2im(floatView(backend, colsInfo), info, out)) as tf.Tensor4D;
  } finally {
    wT.dispose();
    dy2d.dispose();
    cols?.dispose();
  }
}
