import { createModel, selectBackend, Trainer } from '@floatjs/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { channelMask, channelPrune, channelScores, channelsPresent, normalisedScores, selectChannels } from './channel-prune';
import { source, SPEC } from './test-utils/data';
import { maskStats, sparseStorageBytes } from './stats';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('channel ranking', () => {
  // Kernel [kh=1, kw=2, in=3, out=2], flat index ((p·in + c)·out + o):
  //   tap 0: c0 [1, 1], c1 [2, 0], c2 [0, 0];  tap 1: c0 [0, 1], c1 [0, 0], c2 [3, 0].
  const shape = [1, 2, 3, 2];
  const w = [1, 1, 2, 0, 0, 0, 0, 1, 0, 0, 3, 0];

  it('scores input channels by the squared Frobenius norm of W[:, :, c, :]', () => {
    expect(Array.from(channelScores(w, shape))).toEqual([3, 4, 9]);
  });

  it('normalises by the mean over active channels; pruned channels score by momentum', () => {
    expect(Array.from(normalisedScores(w, null, shape, null))).toEqual([3 / (16 / 3), 4 / (16 / 3), 9 / (16 / 3)]);
    // Channel 2 pruned (weights zero), its momentum large: mean active ‖v‖² = (1 + 1)/2 = 1, channel 2 has 4.
    const wp = w.map((v, i) => (Math.floor(i / 2) % 3 === 2 ? 0 : v));
    const v = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0];
    expect(Array.from(normalisedScores(wp, v, shape, [true, true, false]))).toEqual([3 / 3.5, 4 / 3.5, 4]);
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

describe('maskStats', () => {
  it('reports density, channel density, CR, CRF and CSR-like 8-bit storage', () => {
    const m = channelMask('c', [1, 2, 3, 2], [true, false, true]);
    const plugin = { masks: () => new Map([['c', m]]) };
    const s = maskStats(plugin);
    expect(s.nnz).toBe(8);
    expect(s.size).toBe(12);
    expect(s.density).toBeCloseTo(8 / 12, 12);
    expect(s.cr).toBeCloseTo(1.5, 12);
    expect(s.layers[0].channelsPresent).toBe(2);
    expect(s.channelPercent).toBeCloseTo(200 / 3, 12);
    expect(s.crf).toBeCloseTo(1.5, 12);
    // 8 nonzeros × (1 B value + 2 B column) + (2 rows + 1) × 4 B pointers.
    expect(sparseStorageBytes(m)).toBe(8 * 3 + 12);
    expect(s.sparseStorageBytes).toBe(36);
    expect(s.denseStorageBytes).toBe(12);
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
      onStep: () => {
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
