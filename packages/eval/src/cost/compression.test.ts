import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, type Model } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { decodeSparse8, encodeSparse8 } from '../export/sparse8';
import { getMethod } from '../recipes/methods';
import { compressionOf, sparse8Tensors } from './compression';

const FMNIST = { height: 28, width: 28, channels: 1, numClasses: 10 };
let model: Model;

beforeAll(async () => {
  await selectBackend('cpu');
  model = createModel('cnn-s', FMNIST, getMethod('float').plugins({}), 3);
});
afterAll(() => model.dispose());

describe('compressionOf', () => {
  it('a dense model has d = 1, CR = CRF = 1, and its sparse8 file is larger than dense 8-bit', () => {
    const c = compressionOf(model);
    expect(c.density).toBe(1);
    expect(c.cr).toBe(1);
    expect(c.crf).toBe(1);
    expect(c.layers.map((l) => l.name)).toEqual(model.layers.filter((l) => l.kind === 'conv2d').map((l) => l.name));
    expect(c.convSparseBytes).toBeGreaterThan(c.convDenseBytes);
    // The file keeps a dense kernel dense rather than paying for positions.
    expect(c.convLayouts).toEqual({ csr: 0, bitmap: 0, dense: c.layers.length });
    expect(c.convSparse8Bytes).toBe(c.convDenseBytes);
  });

  it('counts exact zeros per layer and input channel, and measures the real file', () => {
    const conv = model.layers.find((l) => l.kind === 'conv2d' && l.role !== 'stem')!;
    const kernel = model.variables.get(`${conv.name}.kernel`)!;
    const [kh, kw, cin, cout] = kernel.shape;
    const original = kernel.dataSync().slice();
    // Zero input channel 0 entirely and every weight of output channel 0.
    const w = original.slice();
    for (let p = 0; p < kh * kw; p++) for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) if (c === 0 || o === 0) w[(p * cin + c) * cout + o] = 0;
    tf.tidy(() => kernel.assign(tf.tensor(w, kernel.shape)));
    try {
      const c = compressionOf(model);
      const l = c.layers.find((x) => x.name === conv.name)!;
      const zeros = kh * kw * (cin + cout - 1);
      expect(l.nnz).toBe(l.size - zeros);
      expect(l.channelsPresent).toBe(cin - 1);
      const total = c.layers.reduce((a, x) => a + x.size, 0);
      expect(c.density).toBeCloseTo((total - zeros) / total, 12);
      expect(c.cr).toBeCloseTo(1 / c.density, 12);
      const allChannels = c.layers.reduce((a, x) => a + x.channels, 0);
      expect(c.crf).toBeCloseTo(allChannels / (allChannels - 1), 12);
      const { tensors, sparse } = sparse8Tensors(model);
      const file = encodeSparse8(tensors, sparse);
      expect(c.modelSparse8Bytes).toBe(file.length);
      const back = decodeSparse8(file).tensors.find((t) => t.name === `${conv.name}.kernel`)!;
      w.forEach((v, i) => v === 0 && expect(back.values[i]).toBe(0));
    } finally {
      tf.tidy(() => kernel.assign(tf.tensor(original, kernel.shape)));
    }
  });
});
