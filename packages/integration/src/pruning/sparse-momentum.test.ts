// Sparse-momentum masks over FLOAT's noisy weights: floatNoise() from @floatjs/conditioning-float. The tests of
// sparse momentum alone are beside it, in packages/pruning/src/sparse-momentum.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { floatNoise } from '@floatjs/conditioning-float';
import { condition, ModelBuilder, PluginHost, Rng, type Plugin } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { sparseMomentum } from '@floatjs/pruning';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('masking the FLOAT noise', () => {
  function noisyConv(mask: Plugin) {
    const host = new PluginHost([floatNoise(), mask]);
    const b = new ModelBuilder(host, new Rng(1));
    b.conv('c', { inChannels: 4, filters: 8, kernelSize: 3 });
    const kernel = b.registry.vars.get('c.kernel')!;
    const info = b.layers[0];
    const transformed = () =>
      tf.tidy(() => Array.from(host.transformWeight(kernel, info, { cond: condition({ lambda: 1, lambdaN: 1, norm: 'adv' }), rng: new Rng(9) }).dataSync()));
    return { transformed, kernel };
  }

  it('maskNoise true: (W + λn·α·η)·mask is exactly zero where the mask is zero', () => {
    const p = sparseMomentum({ density: 0.3 });
    const { transformed } = noisyConv(p);
    const w = transformed();
    const bits = p.masks().get('c')!.bits;
    let kept = 0;
    for (let i = 0; i < w.length; i++) {
      if (!bits[i]) expect(Math.abs(w[i])).toBe(0);
      else if (w[i] !== 0) kept++;
    }
    expect(kept).toBe(p.masks().get('c')!.nnz);
  });

  it('maskNoise false: the noise stays dense (nonzero at pruned positions), as in the paper code', () => {
    const p = sparseMomentum({ density: 0.3, maskNoise: false });
    const { transformed } = noisyConv(p);
    const w = transformed();
    const bits = p.masks().get('c')!.bits;
    const atPruned = w.filter((_, i) => !bits[i]);
    expect(atPruned.length).toBeGreaterThan(0);
    expect(atPruned.every((v) => v !== 0)).toBe(true);
  });
});
