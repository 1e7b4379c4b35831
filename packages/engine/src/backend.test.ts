import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend';

describe('selectBackend', () => {
  it('honours an explicit request and records why', async () => {
    const b = await selectBackend('cpu', {});
    expect(b).toMatchObject({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', reason: 'flag' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('reads FLOAT_BACKEND when no flag is given; the flag wins over it', async () => {
    expect(await selectBackend(undefined, { FLOAT_BACKEND: 'wasm' })).toMatchObject({ name: 'wasm', reason: 'env' });
    expect(tf.getBackend()).toBe('wasm');
    expect(await selectBackend('cpu', { FLOAT_BACKEND: 'wasm' })).toMatchObject({ name: 'cpu', reason: 'flag' });
  });

  it('auto falls back from tensorflow to wasm here, saying why tensorflow was skipped', async () => {
    const b = await selectBackend(undefined, {});
    expect(b.reason).toBe('auto');
    if (b.name !== 'tensorflow') {
      expect(b.name).toBe('wasm');
      expect(b.skipped[0]).toMatchObject({ name: 'tensorflow' });
      expect(b.skipped[0].error).toMatch(/tfjs-node/);
    }
  });

  it('rejects unknown names, naming the source and the choices', async () => {
    await expect(selectBackend('tpu', {})).rejects.toThrow('--backend: unknown backend "tpu"; expected one of auto, tensorflow, wasm, cpu');
    await expect(selectBackend(undefined, { FLOAT_BACKEND: 'gpu' })).rejects.toThrow(/FLOAT_BACKEND: unknown backend "gpu"/);
  });

  it('an explicit tensorflow request fails loudly instead of silently using another backend', async () => {
    const hasNode = await import('@tensorflow/tfjs-node-gpu' as string).then(() => true, () => false);
    if (!hasNode) await expect(selectBackend('tensorflow', {})).rejects.toThrow(/no usable tfjs backend \(tensorflow: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/);
  });
});
