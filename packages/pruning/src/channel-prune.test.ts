import * as tf from '@tensorflow/tfjs-core';
import { createModel, Trainer, type LayerInfo, type MaskUpdateContext } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPrune, selectChannels } from './channel-prune';
import { channelPruneRegrow } from './channel-regrow';
import { channelMask, channelScores, channelsPresent } from './channels';
import { source, SPEC } from './test-utils/data';
import { maskStats } from './test-utils/mask-stats';

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('channel ranking', () => {
  // Kernel [kh=1, kw=2, in=3, out=2], flat index ((p·in + c)·out + o):
  //   tap 0: c0 [1, 1], c1 [2, 0], c2 [0, 0];  tap 1: c0 [0, 1], c1 [0, 0], c2 [3, 0].
  const shape = [1, 2, 3, 2];
  const w = [1, 1, 2, 0, 0, 0, 0, 1, 0, 0, 3, 0];

  it('scores input channels by the squared Frobenius norm of W[:, :, c, :]', () => {
    expect(Array.from(channelScores(w, shape))).toEqual([3, 4, 9]);
  });

  it('selects channels globally: best channel per layer first, then by score while the cost fits', () => {
    const keep = selectChannels(
      [
        { scores: [0.5, 2, 0.5], cost: 4 },
        { scores: [1.5, 1, 0.5, 1], cost: 3 },
      ],
      13,
    );
    // Reserved: L0 c1 (4), L1 c0 (3) → 6 left; then L1 c1 (3), L1 c3 (3) → 0 left.
    expect(keep).toEqual([
      [false, true, false],
      [true, true, false, true],
    ]);
    expect(() => selectChannels([{ scores: [1], cost: 5 }], 4)).toThrow(/budget/);
  });

  it('channel masks keep whole input channels', () => {
    const m = channelMask('c', shape, [true, false, true]);
    expect(Array.from(m.bits)).toEqual([1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1]);
    expect(m.nnz).toBe(8);
    expect(channelsPresent(m.bits, shape)).toEqual([true, false, true]);
  });
});

describe('channel prune/regrow round', () => {
  // Two layers of 1×1 convs: L0 [1, 1, 4, 1] (cost 1 per channel), L1 [1, 1, 3, 2] (cost 2).
  const l0 = { shape: [1, 1, 4, 1], weight: [4, 3, 0, 0], momentum: [0.1, 0.1, 5, 1], active: [true, true, false, false] };
  const l1 = { shape: [1, 1, 3, 2], weight: [1, 1, 2, 2, 0, 0], momentum: [0, 1, 0, 1, 1, 1], active: [true, true, false] };

  it('prunes ⌈rate·k⌉ active channels of smallest ‖W‖² per layer, regrows by momentum normalised by the layer’s kept channels', () => {
    // Prune: L0 drops c1 (9 < 16), L1 drops c0 (2 < 8); budget 6 − (1 + 2) = 3 left.
    // Regrow scores: L0 by ‖v‖² / 0.01 (c0 kept): c1 1, c2 2500, c3 100; L1 by ‖v‖² / 1 (c1 kept): c0 1, c2 2.
    // Order: L0 c2 (cost 1), L0 c3 (1), L1 c2 (2, does not fit in the 1 left), L0 c1 (1) → 0 left.
    expect(channelPruneRegrow([l0, l1], 0.5, 6)).toEqual([
      [true, true, true, true],
      [false, true, false],
    ]);
    // A smaller budget: after pruning 3 used, 1 left → only L0 c2 comes on.
    expect(channelPruneRegrow([l0, l1], 0.5, 4)).toEqual([
      [true, false, true, false],
      [false, true, false],
    ]);
  });

  it('rate 0 changes nothing when the budget is full; a layer always keeps one channel', () => {
    expect(channelPruneRegrow([l0, l1], 0, 6)).toEqual([
      [true, true, false, false],
      [true, true, false],
    ]);
    const one = { shape: [1, 1, 2, 1], weight: [1, 0], momentum: [0, 9], active: [true, false] };
    expect(channelPruneRegrow([one], 1, 1)).toEqual([[true, false]]);
  });
});

/** A hand-built context: one 1×1 conv [1, 1, n, 1] (each input channel is one weight). */
function fakeContext(n: number) {
  const info: LayerInfo = { name: 'a', kind: 'conv2d', role: 'body', shape: [1, 1, n, 1], extras: {} };
  const kernel = tf.variable(tf.zeros([1, 1, n, 1]));
  const momentum = tf.variable(tf.zeros([1, 1, n, 1]), false);
  const ctx = { model: { layers: [info], variables: new Map([['a.kernel', kernel]]) }, optimizer: { momentum: new Map([['a.kernel', momentum]]) }, step: 0, epoch: 0 } as unknown as MaskUpdateContext;
  return {
    ctx,
    set: (w: number[], v: number[]) => {
      kernel.assign(tf.tensor(w, [1, 1, n, 1]));
      momentum.assign(tf.tensor(v, [1, 1, n, 1]));
    },
    weight: () => Array.from(kernel.dataSync()),
    dispose: () => {
      kernel.dispose();
      momentum.dispose();
    },
  };
}

describe('channelPrune epoch-end update', () => {
  it('does not swap every trained channel for a pruned one whose momentum is large: at most ⌈rate·k⌉ go, the rest keep their weights', () => {
    const f = fakeContext(4);
    const p = channelPrune({ density: 0.5 });
    f.set([4, 3, 2, 1], [0, 0, 0, 0]);
    p.maskUpdate!.afterStep!(f.ctx);
    expect(Array.from(p.masks().get('a')!.bits)).toEqual([1, 1, 0, 0]);
    // Trained channels 0, 1 have settled (small momentum); the pruned 2, 3 are pushed hard by their gradients.
    f.set([4, 3, 0, 0], [0.1, 0.1, 10, 10]);
    p.maskUpdate!.epochEnd!({ ...f.ctx, step: 10, epoch: 0 });
    // Rate 0.5 (no decay without epochs): channel 1 (smaller ‖W‖²) goes, channel 2 (larger momentum, lower index) comes.
    expect(Array.from(p.masks().get('a')!.bits)).toEqual([1, 0, 1, 0]);
    expect(f.weight()).toEqual([4, 0, 0, 0]);
    expect(p.lastChurn()).toMatchObject({ unit: 'channels', rate: 0.5, before: 2, pruned: 1, regrown: 1 });
    p.dispose!();
    f.dispose();
  });

  it('decays the prune rate over the run like sparseMomentum (linear from 0.5 to 0.005 by default)', () => {
    const f = fakeContext(4);
    const p = channelPrune({ density: 0.5, totalSteps: 100 });
    f.set([4, 3, 2, 1], [0, 0, 0, 0]);
    p.maskUpdate!.afterStep!(f.ctx);
    f.set([4, 3, 0, 0], [0.1, 0.1, 10, 10]);
    p.maskUpdate!.epochEnd!({ ...f.ctx, step: 50, epoch: 0 });
    expect(p.lastChurn()!.rate).toBeCloseTo(0.2525, 12);
    expect(p.options).toMatchObject({ density: 0.5, pruneRate: 0.5, decay: 'linear', pruneFloor: 0.005, totalSteps: 100 });
    p.dispose!();
    f.dispose();
  });
});

describe('channelPrune in a Trainer run (cnn-s, cpu)', () => {
  it('keeps whole input channels, Σ nnz ≤ d·Σ size and pruned weights zero after every step', async () => {
    const density = 0.3;
    const plugin = channelPrune({ density });
    const model = createModel('cnn-s', SPEC, [plugin], 3);
    const trainer = new Trainer(model, { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 3, adversary: null });
    const convs = ['conv1', 'conv2', 'conv3'];
    const totalSize = convs.reduce((a, c) => a + model.variables.get(`${c}.kernel`)!.size, 0);
    const budget = Math.floor(density * totalSize);
    let steps = 0;
    await trainer.fit(source(2), {
      afterStep: () => {
        steps++;
        let nnz = 0;
        for (const c of convs) {
          const mask = plugin.masks().get(c)!;
          const w = model.variables.get(`${c}.kernel`)!.dataSync();
          for (let i = 0; i < w.length; i++) {
            if (!mask.bits[i]) expect(Math.abs(w[i])).toBe(0);
            nnz += mask.bits[i];
          }
          // Whole channels: nnz = (#present input channels)·kh·kw·out.
          const shape = mask.shape;
          const present = channelsPresent(mask.bits, shape).filter(Boolean).length;
          expect(mask.nnz).toBe(present * shape[0] * shape[1] * shape[3]);
          expect(present).toBeGreaterThanOrEqual(1);
        }
        expect(nnz).toBeLessThanOrEqual(budget);
      },
    });
    expect(steps).toBe(4);
    const s = maskStats(plugin);
    expect(s.density).toBeLessThanOrEqual(density);
    expect(s.density).toBeGreaterThan(0.25);
    expect(s.channelPercent).toBeLessThan(100);
    expect(plugin.masks().has('fc')).toBe(false);
    const q = channelPrune({ density });
    q.setState!(JSON.parse(JSON.stringify(plugin.getState!())));
    for (const c of convs) expect(q.masks().get(c)!.bits).toEqual(plugin.masks().get(c)!.bits);
    trainer.dispose();
    model.dispose();
  });
});
