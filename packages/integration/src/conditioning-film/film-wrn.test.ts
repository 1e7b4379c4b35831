// FiLM's placement on the paper's SVHN model (@floatjs/models' WRN-16-8), as OAT's WideResNetOAT places it.
import { film } from '@floatjs/conditioning-film';
import { Model, PluginHost } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';
import { wrn16x8 } from '@floatjs/models';
import { describe, expect, it } from 'vitest';

describe('FiLM on WRN-16-8', () => {
  it('skips the final norm `head.bn` (OAT’s WideResNetOAT has FiLM only inside its blocks)', async () => {
    await useStockBackend('cpu');
    const m = new Model('wrn16-8', { height: 8, width: 8, channels: 3, numClasses: 10 }, new PluginHost([film()]), wrn16x8, 1);
    try {
      const filmed = m.layers.filter((l) => Object.keys(l.extras).length > 0).map((l) => l.name);
      // 2 blocks per stage × 3 stages × (bn1, bn2); no FiLM on head.bn.
      expect(filmed).toHaveLength(12);
      expect(filmed).not.toContain('head.bn');
      expect(m.layers.some((l) => l.name === 'head.bn')).toBe(true);
    } finally {
      m.dispose();
    }
  });
});
