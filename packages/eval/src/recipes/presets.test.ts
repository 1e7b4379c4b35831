import { datasetNames } from '@floatjs/datasets';
import { describe, expect, it } from 'vitest';
import { PAPER_PRESETS } from './paper-presets';
import { getPreset, presetNames, registerPreset } from './presets';

describe('preset registry', () => {
  it('holds fmnist-quick and every paper preset, each on a registered dataset', () => {
    expect(presetNames()).toEqual(expect.arrayContaining(['fmnist-quick', ...PAPER_PRESETS.map((p) => p.name)]));
    for (const name of presetNames()) expect(datasetNames(), name).toContain(getPreset(name).dataset);
  });

  it('rejects a preset on an unknown dataset, naming the preset, the field and the known datasets', () => {
    const p = { ...getPreset('fmnist-quick'), name: 'bad-dataset-preset', dataset: 'cifar-11' };
    expect(() => registerPreset(p)).toThrow(
      `preset "bad-dataset-preset": field "dataset" is "cifar-11", not a registered dataset; expected one of: ${datasetNames().join(', ')}`,
    );
    expect(presetNames()).not.toContain('bad-dataset-preset');
  });

  it('rejects a second preset of the same name', () => {
    expect(() => registerPreset(getPreset('cifar10-resnet34'))).toThrow('preset "cifar10-resnet34" is already registered');
  });
});
