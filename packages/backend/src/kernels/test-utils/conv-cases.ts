import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@floatjs/random';

export type Case = { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: 'same' | 'valid' | number };

export const CASES: Case[] = [
  { n: 2, h: 7, w: 9, ci: 3, co: 5, k: 3, s: 1, pad: 'same' },
  { n: 2, h: 7, w: 9, ci: 3, co: 5, k: 3, s: 2, pad: 'same' },
  { n: 3, h: 8, w: 8, ci: 4, co: 6, k: 3, s: 2, pad: 1 },
  { n: 2, h: 11, w: 6, ci: 5, co: 2, k: 3, s: 1, pad: 'valid' },
  { n: 2, h: 11, w: 7, ci: 5, co: 4, k: 3, s: 2, pad: 'valid' },
  { n: 2, h: 9, w: 9, ci: 6, co: 3, k: 1, s: 1, pad: 'same' },
  { n: 2, h: 9, w: 10, ci: 6, co: 8, k: 1, s: 2, pad: 0 },
  { n: 1, h: 5, w: 5, ci: 1, co: 7, k: 5, s: 1, pad: 2 },
  { n: 4, h: 28, w: 28, ci: 1, co: 32, k: 3, s: 1, pad: 1 },
  { n: 2, h: 32, w: 32, ci: 16, co: 32, k: 3, s: 2, pad: 1 },
  // Strided cases for the polyphase dx: even input with 'same' (pad only after), stride 3, even and large
  // kernels, a stride larger than the kernel (phases that no tap reaches), and padding beyond the kernel.
  { n: 2, h: 28, w: 28, ci: 8, co: 12, k: 3, s: 2, pad: 'same' },
  { n: 2, h: 13, w: 11, ci: 3, co: 4, k: 5, s: 2, pad: 'same' },
  { n: 2, h: 10, w: 13, ci: 3, co: 5, k: 3, s: 3, pad: 'same' },
  { n: 1, h: 9, w: 8, ci: 2, co: 3, k: 2, s: 2, pad: 'valid' },
  { n: 2, h: 10, w: 9, ci: 4, co: 3, k: 1, s: 3, pad: 'valid' },
  { n: 1, h: 7, w: 7, ci: 2, co: 3, k: 3, s: 2, pad: 4 },
  { n: 2, h: 12, w: 7, ci: 3, co: 2, k: 4, s: 3, pad: 2 },
  // Stride 1 with 16+ input channels: dW goes through the swapped-roles conv (odd sizes, valid, 1x1, 5x5).
  { n: 3, h: 9, w: 7, ci: 16, co: 5, k: 3, s: 1, pad: 'same' },
  { n: 2, h: 8, w: 11, ci: 17, co: 3, k: 3, s: 1, pad: 'valid' },
  { n: 2, h: 6, w: 5, ci: 16, co: 4, k: 1, s: 1, pad: 0 },
  { n: 1, h: 9, w: 9, ci: 20, co: 6, k: 5, s: 1, pad: 2 },
];

export function randomArray(size: number, rng: Rng): Float32Array {
  return rng.fillNormal(new Float32Array(size), 1);
}

export function gradsOn(backend: string, c: Case, xData: Float32Array, wData: Float32Array, dyData: Float32Array | null) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(xData, [c.n, c.h, c.w, c.ci]);
    const w = tf.tensor4d(wData, [c.k, c.k, c.ci, c.co]);
    const y = tf.conv2d(x, w, c.s, c.pad);
    const dy = tf.tensor(dyData ?? randomArray(y.size, new Rng(7)), y.shape) as tf.Tensor4D;
    const dx = tf.conv2dTranspose(dy, w, x.shape, c.s, c.pad);
    // tf.grads goes through the Conv2D gradient, i.e. the registered backprop kernels.
    const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), dy)))([x, w]);
    return { y: y.dataSync(), dx: dx.dataSync(), gx: gx.dataSync(), gw: gw.dataSync() };
  });
}
