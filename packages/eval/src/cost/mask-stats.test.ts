import { describe, expect, it } from 'vitest';
import { channelMask } from '@floatjs/pruning';
import { maskStats, sparseStorageBytes } from './mask-stats';

// Moved here from @floatjs/pruning's channel-prune.test.ts with maskStats itself.
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
