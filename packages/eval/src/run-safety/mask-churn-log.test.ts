import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@floatjs/backend';
import type { MaskChurn } from '@floatjs/pruning';
import { churnField, churnText } from './mask-churn-log';
import { buildModel } from '../recipes/recipe';
import { runTrain } from '../commands/train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('train-log.jsonl churn field', () => {
  it('floats-c: every epoch record but the last carries the channels pruned and regrown, per layer and in total', async () => {
    const out = join(dataDir, 'floats-c');
    await runTrain({ preset: tinyPreset().name, method: 'floats-c', epochs: 3, out, dataDir, verify: false, quiet: true });
    const epochs = readFileSync(join(out, 'train-log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((r) => r.event === 'epoch');
    expect(epochs.map((r) => r.epoch)).toEqual([0, 1, 2]);
    for (const r of epochs.slice(0, 2)) {
      const c = r.churn as MaskChurn;
      expect(c).toMatchObject({ epoch: r.epoch, unit: 'channels' });
      expect(c.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'conv3']);
      expect(c.pruned).toBe(c.layers.reduce((a, l) => a + l.pruned, 0));
      expect(c.regrown).toBe(c.layers.reduce((a, l) => a + l.regrown, 0));
      // conv1 has one input channel, which is always kept.
      expect(c.layers[0]).toEqual({ name: 'conv1', before: 1, after: 1, pruned: 0, regrown: 0 });
    }
    expect(epochs[1].churn.layers.map((l: { before: number }) => l.before)).toEqual(epochs[0].churn.layers.map((l: { after: number }) => l.after));
    // No update after the last epoch.
    expect(epochs[2].churn).toBeNull();
  }, 120_000);

  it('a model without a mask plugin gets no field', async () => {
    await selectBackend('cpu');
    const input = { height: 28, width: 28, channels: 1, numClasses: 10 };
    const model = buildModel({ method: 'float', methodOptions: {}, architecture: 'cnn-s', input, seed: 1, training: { epochs: 1 } });
    expect(churnField(model, 0)).toEqual({});
    expect(churnText({})).toBe('');
    model.dispose();
  });
});
