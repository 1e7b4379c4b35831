import * as tf from '@tensorflow/tfjs-core';
import { condition, Model, PluginHost, Rng, type Plugin } from '@floatjs/engine';
import { maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { slimmable } from './recipe';
import { slicePrefix } from './slice-array';
import { fakeDual, fakeMask, fakeNoise, maskPattern, spy, SPEC, tinyResnet, type Seen } from './test-utils/fakes';
import { narrowShape, WIDTH_SLICE_ORDER, widthSlice } from './width-slice';

beforeAll(async () => {
  await useStockBackend('cpu');
});

function build(plugins: Plugin[]): Model {
  return new Model(tinyResnet.name, SPEC, new PluginHost(plugins), tinyResnet, 3);
}

const x = () => tf.randomUniform([2, SPEC.height, SPEC.width, SPEC.channels], 0, 1, 'float32', 11) as tf.Tensor4D;

function popStd(a: Float32Array): number {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
}

describe('widthSlice', () => {
  it('runs after the noise (order 0) and the masks (±100)', () => {
    expect(WIDTH_SLICE_ORDER).toBeGreaterThan(100);
    expect(widthSlice().weightTransform!.order).toBe(WIDTH_SLICE_ORDER);
  });

  it('returns the very same kernel at width 1', () => {
    const w = tf.ones([3, 3, 4, 8]);
    const layer = { name: 'c', kind: 'conv2d' as const, role: 'body' as const, shape: [3, 3, 4, 8], extras: {} };
    expect(widthSlice().weightTransform!.apply(w, layer, { cond: condition(), rng: new Rng(1) })).toBe(w);
    w.dispose();
  });

  it.each([100, -100])(
    'with a mask at order %i: noise std over the full kernel, then the first-k slice of the noisy masked kernel',
    (maskOrder) => {
      const noiseSeen: Seen[] = [];
      const maskSeen: Seen[] = [];
      const used: Array<Seen & { values: Float32Array }> = [];
      const model = build([fakeDual(), fakeNoise(noiseSeen), fakeMask(maskOrder, maskSeen), ...slimmable(), spy(used)]);
      const input = x();
      tf.tidy(() => model.forward(input, condition({ width: 0.5, lambda: 1, lambdaN: 1, norm: 'adv' })));
      const convs = model.layers.filter((l) => l.kind === 'conv2d');
      expect(convs.length).toBe(6); // stem, 2 × (conv1, conv2), one shortcut
      for (const layer of model.layers.filter((l) => l.kind !== 'norm')) {
        const n = noiseSeen.find((s) => s.layer === layer.name)!;
        const m = maskSeen.find((s) => s.layer === layer.name)!;
        const u = used.find((s) => s.layer === layer.name)!;
        expect(n.shape).toEqual(layer.shape);
        expect(m.shape).toEqual(layer.shape);
        expect(u.shape).toEqual(narrowShape(layer, 0.5));
        expect(u.width).toBe(0.5);
        if (layer.kind !== 'conv2d') continue;
        // Expected: mask and noise in the configured order on the full kernel, then the leading block.
        const w = model.variables.get(`${layer.name}.kernel`)!.dataSync() as Float32Array;
        const pattern = maskPattern(layer.shape);
        const bits = pattern.dataSync() as Float32Array;
        pattern.dispose();
        const masked = (a: Float32Array) => a.map((v, i) => v * bits[i]);
        const noisy = (a: Float32Array) => {
          const s = popStd(a);
          return a.map((v) => v + 0.25 * s);
        };
        const full = maskOrder > 0 ? masked(noisy(w)) : noisy(masked(w));
        expect(n.std / popStd(maskOrder > 0 ? w : masked(w))).toBeCloseTo(1, 5);
        expect(maxRelErr(u.values, slicePrefix(full, layer.shape, u.shape))).toBeLessThan(1e-6);
      }
      // The stem keeps the image channels; the classifier keeps the classes.
      expect(used.find((s) => s.layer === 'stem.conv')!.shape).toEqual([3, 3, SPEC.channels, 2]);
      expect(used.find((s) => s.layer === 'fc')!.shape).toEqual([4, SPEC.numClasses]);
      input.dispose();
      model.dispose();
    },
  );

  it('gives the full kernels and the full classifier at width 1', () => {
    const used: Array<Seen & { values: Float32Array }> = [];
    const model = build([...slimmable(), spy(used)]);
    const input = x();
    const y = tf.tidy(() => model.forward(input, condition()));
    expect(y.shape).toEqual([2, SPEC.numClasses]);
    for (const layer of model.layers.filter((l) => l.kind !== 'norm')) {
      expect(used.find((s) => s.layer === layer.name)!.shape).toEqual(layer.shape);
    }
    tf.dispose([y, input]);
    model.dispose();
  });

  it('rejects widths outside (0, 1] and widths without a norm set, naming the layer', () => {
    const model = build(slimmable({ widths: [1, 0.5] }));
    const input = x();
    expect(() => tf.tidy(() => model.forward(input, condition({ width: 0 })))).toThrow(/width-slice \(stem.conv\): width must be in \(0, 1\], got 0/);
    expect(() => tf.tidy(() => model.forward(input, condition({ width: 0.3 })))).toThrow(
      /switchable-norm: stem.bn got width 0.3, which has no norm set; trained widths are 1, 0.5/,
    );
    input.dispose();
    model.dispose();
  });
});
