import { createModel, Trainer } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelPrune } from './channel-prune';
import { channelMask } from './channels';
import { maskChurn } from './churn';
import type { LayerMask, PruningPlugin } from './masks';
import { sparseMomentum } from './sparse-momentum';
import { source, SPEC } from './test-utils/data';

beforeAll(async () => {
  await useStockBackend('cpu');
});

const shape = [1, 2, 4, 2];
const masksOf = (...ms: LayerMask[]) => new Map(ms.map((m) => [m.name, m]));

describe('maskChurn', () => {
  it('counts input channels that went off (pruned) and came on (regrown), per layer and in total', () => {
    const before = masksOf(channelMask('a', shape, [true, true, false, false]), channelMask('b', shape, [true, false, false, false]));
    const after = masksOf(channelMask('a', shape, [true, false, true, true]), channelMask('b', shape, [true, false, false, false]));
    const c = maskChurn(before, after, { epoch: 2, step: 30, unit: 'channels', rate: 0.25 });
    expect(c.layers).toEqual([
      { name: 'a', before: 2, after: 3, pruned: 1, regrown: 2 },
      { name: 'b', before: 1, after: 1, pruned: 0, regrown: 0 },
    ]);
    expect(c).toMatchObject({ epoch: 2, step: 30, unit: 'channels', rate: 0.25, before: 3, pruned: 1, regrown: 2 });
  });

  it('counts single weights with unit "weights"', () => {
    const m = (bits: number[]): LayerMask => ({ name: 'w', shape: [1, 1, 1, 4], bits: Uint8Array.from(bits), nnz: bits.reduce((a, b) => a + b, 0) });
    const c = maskChurn(masksOf(m([1, 1, 0, 0])), masksOf(m([0, 1, 1, 1])), { epoch: 0, step: 1, unit: 'weights', rate: 0.5 });
    expect(c.layers[0]).toEqual({ name: 'w', before: 2, after: 3, pruned: 1, regrown: 2 });
  });
});

describe.each<[string, () => PruningPlugin, 'channels' | 'weights']>([
  ['channelPrune', () => channelPrune({ density: 0.3, epochs: 2 }), 'channels'],
  ['sparseMomentum', () => sparseMomentum({ density: 0.3, epochs: 2 }), 'weights'],
])('%s.lastChurn in a Trainer run (cnn-s, cpu)', (_name, make, unit) => {
  it('is null before the first epoch end, then describes the epoch-end update exactly', async () => {
    const plugin = make();
    const model = createModel('cnn-s', SPEC, [plugin], 3);
    const trainer = new Trainer(model, { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 3, adversary: null });
    let before: Map<string, LayerMask> | null = null;
    let after: Map<string, LayerMask> | null = null;
    await trainer.fit(source(2), {
      afterStep: (e) => {
        expect(plugin.lastChurn()?.epoch ?? -1).toBeLessThan(e.epoch);
        // The masks at the last step of epoch 0, and at the first step of epoch 1 (before its step's afterStep: none
        // changes the masks after the first ranking, so they are the epoch-end update's result).
        if (e.epoch === 0 && e.batchInEpoch === 2) before = new Map(plugin.masks());
        if (e.epoch === 1 && e.batchInEpoch === 1) after = new Map(plugin.masks());
      },
    });
    const c = plugin.lastChurn()!;
    expect(c).toMatchObject({ epoch: 0, step: 2, unit });
    expect(c).toEqual(maskChurn(before!, after!, { epoch: 0, step: 2, unit, rate: c.rate }));
    for (const l of c.layers) {
      expect(l.before - l.pruned + l.regrown).toBe(l.after);
      // Never more than ⌈rate·active⌉ of a layer's units go in one update.
      expect(l.pruned).toBeLessThanOrEqual(Math.ceil(c.rate! * l.before));
    }
    expect(c.pruned).toBe(c.layers.reduce((a, l) => a + l.pruned, 0));
    trainer.dispose();
    model.dispose();
  });
});
