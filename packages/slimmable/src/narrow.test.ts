import * as tf from '@tensorflow/tfjs-core';
import { assignVariables, cnnS, condition, Model, PluginHost, type ArchitectureDef, type InputSpec, type Plugin } from '@floatjs/engine';
import { maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { narrowArchitecture, narrowWeights } from './narrow';
import { slimmable } from './recipe';
import { fakeDual, fakeNoise, randomiseNormStats, SPEC, tinyResnet } from './test-utils/fakes';
import { narrowShape } from './width-slice';

beforeAll(async () => {
  await useStockBackend('cpu');
});

/** A per-channel scale after every norm, narrowing with the features (as a width-aware FiLM would). */
function channelScale(extraWide = false): Plugin {
  return {
    name: 'channel-scale',
    layerVariables: (layer) =>
      layer.kind !== 'norm'
        ? []
        : [{ name: 'scale', shape: layer.shape, init: 1.5, trainable: true }, ...(extraWide ? [{ name: 'wide', shape: [2 * layer.shape[0]], init: 0, trainable: true }] : [])],
    normalization: {
      wrap: (features, layer) => tf.mul(features, tf.slice(layer.extras.scale as tf.Tensor1D, 0, features.shape[3])) as tf.Tensor4D,
    },
  };
}

function pair(arch: ArchitectureDef, base: () => Plugin[], width: number, spec: InputSpec = SPEC) {
  const wide = new Model(arch.name, spec, new PluginHost([...base(), ...slimmable({ widths: [1, width] })]), arch, 2);
  randomiseNormStats(wide.variables, 17);
  const narrowArch = narrowArchitecture(arch, width);
  const narrow = new Model(narrowArch.name, spec, new PluginHost(base()), narrowArch, 99);
  return { wide, narrow };
}

const input = (spec: InputSpec = SPEC) => tf.randomUniform([3, spec.height, spec.width, spec.channels], 0, 1, 'float32', 8) as tf.Tensor4D;

function logits(model: Model, x: tf.Tensor4D, cond: Parameters<typeof condition>[0]): Float32Array {
  return tf.tidy(() => model.forward(x, condition(cond)).dataSync() as Float32Array);
}

describe('narrowArchitecture', () => {
  it.each([
    ['tiny ResNet', tinyResnet, SPEC],
    ['cnn-s', cnnS, { height: 12, width: 12, channels: 1, numClasses: 4 }],
  ] as const)('%s: same layer names, every kernel and norm at its width-0.5 shape', (_label, arch, spec) => {
    const wide = new Model(arch.name, spec, new PluginHost([]), arch, 1);
    const narrowArch = narrowArchitecture(arch, 0.5);
    expect(narrowArch.name).toBe(`${arch.name}-w0_5`);
    const narrow = new Model(narrowArch.name, spec, new PluginHost([]), narrowArch, 1);
    expect(narrow.layers.map((l) => l.name)).toEqual(wide.layers.map((l) => l.name));
    wide.layers.forEach((layer, i) => expect(narrow.layers[i].shape, layer.name).toEqual(narrowShape(layer, 0.5)));
    const stem = narrow.layers.find((l) => l.role === 'stem')!;
    expect(stem.shape[2]).toBe(spec.channels);
    expect(narrow.layers.find((l) => l.role === 'classifier')!.shape[1]).toBe(spec.numClasses);
    // About a quarter of the conv weights (both channel axes halve).
    const convs = (m: Model) => m.paramCount((n) => n.endsWith('.kernel')).total;
    expect(convs(narrow) / convs(wide)).toBeGreaterThan(0.24);
    expect(convs(narrow) / convs(wide)).toBeLessThan(0.3);
    wide.dispose();
    narrow.dispose();
  });
});

describe('narrowWeights', () => {
  it('a narrow model loaded with the sliced weights computes the wide model’s sub-network (inference BN, both norm sets)', () => {
    const { wide, narrow } = pair(tinyResnet, () => [fakeDual(), fakeNoise()], 0.5);
    const weights = narrowWeights(wide, 0.5, { stdScaled: ['alpha'] });
    assignVariables(narrow.variables, weights, 'narrowWeights');
    expect(weights.get('layer2.0.conv1.kernel')!.shape).toEqual([3, 3, 2, 4]);
    expect(weights.get('layer2.0.bn1.adv.gamma')!.shape).toEqual([4]);
    expect(weights.has('layer2.0.bn1.adv.w0_5.gamma')).toBe(false);
    const x = input();
    for (const cond of [{ norm: 'clean' as const }, { norm: 'adv' as const, lambda: 1, lambdaN: 1 }, { norm: 'adv' as const, lambda: 0.6, lambdaN: 0.2 }]) {
      const sub = logits(wide, x, { ...cond, width: 0.5 });
      const full = logits(wide, x, cond);
      expect(maxRelErr(logits(narrow, x, cond), sub), JSON.stringify(cond)).toBeLessThan(1e-5);
      expect(maxRelErr(full, sub)).toBeGreaterThan(1e-3); // the sub-network really is another function
    }
    x.dispose();
    wide.dispose();
    narrow.dispose();
  });

  it('without stdScaled the noise follows the narrow kernel’s own std (equal only at λn = 0)', () => {
    const { wide, narrow } = pair(tinyResnet, () => [fakeDual(), fakeNoise()], 0.5);
    assignVariables(narrow.variables, narrowWeights(wide, 0.5), 'narrowWeights');
    const x = input();
    expect(maxRelErr(logits(narrow, x, { norm: 'clean' }), logits(wide, x, { norm: 'clean', width: 0.5 }))).toBeLessThan(1e-5);
    const noisy = { norm: 'adv' as const, lambda: 1, lambdaN: 1 };
    expect(maxRelErr(logits(narrow, x, noisy), logits(wide, x, { ...noisy, width: 0.5 }))).toBeGreaterThan(1e-4);
    x.dispose();
    wide.dispose();
    narrow.dispose();
  });

  it('slices a norm layer’s [C] plugin variables by default and asks for a rule for anything else', () => {
    const { wide, narrow } = pair(tinyResnet, () => [fakeDual(), channelScale()], 0.5);
    tf.tidy(() => wide.variables.get('layer1.0.bn2.scale')!.assign(tf.tensor1d([0.5, 2, 3, 4])));
    const weights = narrowWeights(wide, 0.5);
    expect(Array.from(weights.get('layer1.0.bn2.scale')!.data)).toEqual([0.5, 2]);
    assignVariables(narrow.variables, weights, 'narrowWeights');
    const x = input();
    expect(maxRelErr(logits(narrow, x, { norm: 'clean' }), logits(wide, x, { norm: 'clean', width: 0.5 }))).toBeLessThan(1e-5);
    x.dispose();
    wide.dispose();
    narrow.dispose();

    const odd = pair(tinyResnet, () => [channelScale(true)], 0.5);
    expect(() => narrowWeights(odd.wide, 0.5)).toThrow(/no rule narrows stem.bn.wide \[8\]; pass options.narrowExtra/);
    const w = narrowWeights(odd.wide, 0.5, { narrowExtra: ({ name, shape }) => (name === 'wide' ? [shape[0] / 2] : undefined) });
    expect(w.get('stem.bn.wide')!.shape).toEqual([4]);
    expect(() => narrowWeights(odd.wide, 0.25)).toThrow(/width 0.25 has no norm set \(w0_25\)/);
    odd.wide.dispose();
    odd.narrow.dispose();
  });
});
