import { describe, expect, it } from 'vitest';
import { createModel, flattenPlugins } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { getMethod } from './methods';

describe('the pni method (Fig. 3)', () => {
  it('is registered, adversarial, with one trainable α per conv layer and no second BN set', async () => {
    await selectBackend('cpu');
    const pni = getMethod('pni');
    expect(pni.adversarial).toBe(true);
    const plugins = flattenPlugins(pni.plugins({}));
    expect(plugins.map((p) => p.name)).toEqual(['float-noise', 'pni-loss']);
    const m = createModel('cnn-s', { height: 28, width: 28, channels: 1, numClasses: 10 }, pni.plugins({}), 0);
    try {
      const convs = m.layers.filter((l) => l.kind === 'conv2d');
      expect(convs.length).toBeGreaterThan(0);
      for (const l of convs) expect(l.extras.alpha).toBeDefined();
    } finally {
      m.dispose();
    }
  });
});
