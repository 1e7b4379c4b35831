import * as tf from '@tensorflow/tfjs-core';
import type { ConvAttrs } from './conv-info';
import { convInfoOf } from './conv-info';
import { floatView, outputTensor } from './tensor-memory';

/**
 * dx of a stride-1 conv as a forward conv, which runs in the backend's fastest kernel (XNNPACK on wasm):
 * dy padded by K−1−pad, convolved with the kernel rotated by 180° and with in/out channels swapped.
 * For stride 1 this beats matmul + col2im, whose JS scatter-add dominates at few channels.
 */
export function conv2dBackpropInputStride1(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: ConvAttrs,
  inputShape: [number, number, number, number],
): tf.Tensor4D {
  const info = convInfoOf(inputShape, filter.shape, attrs);
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error('conv2dBackpropInputStride1: stride and dilation must be 1');
  }
  const [kh, kw, ci, co] = filter.shape;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const bottom = info.inHeight - info.outHeight - top + kh - 1;
  const right = info.inWidth - info.outWidth - left + kw - 1;
  if (Math.min(top, left, bottom, right) < 0) throw new Error('conv2dBackpropInputStride1: padding larger than the kernel');
  const backend = tf.backend();
  const rotated = outputTensor([kh, kw, co, ci], (out) => {
    const w = floatView(backend, filter);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
        const dst = (i * kw + j) * co * ci;
        for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) out[dst + o * ci + c] = w[src + c * co + o];
      }
    }
  }) as tf.Tensor4D;
  try {
    return tf.conv2d(dy, rotated, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  } finally {
    rotated.dispose();
  }
}
