// Narrowing a pre-activation WRN (BN-free 1×1 shortcut on the activated input), the layout of the paper's SVHN and
// STL-10 models (@floatjs/models' wideResnet). The other narrowing cases are beside the code, in
// packages/slimmable/src/narrow.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { assignVariables, condition, Model, PluginHost, Rng, type Plugin } from '@floatjs/engine';
import { maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { wideResnet } from '@floatjs/models';
import { narrowArchitecture, narrowShape, narrowWeights, slimmable } from '@floatjs/slimmable';
import { beforeAll, describe, expect, it } from 'vitest';

const SPEC = { height: 8, width: 8, channels: 2, numClasses: 3 };
const wrn = wideResnet('wrn-10-1', 'test', 10, 1, 0);
const dual = (): Plugin => ({ name: 'dual', normalization: { segments: ['clean', 'adv'], select: (_l, c) => c.norm } });

beforeAll(async () => {
  await useStockBackend('cpu');
});

/** Running statistics and affine parameters away from their initial values, so that a wrong slice shows. */
function randomiseNorms(vars: ReadonlyMap<string, tf.Variable>, seed: number): void {
  const rng = new Rng(seed);
  for (const [name, v] of vars) {
    if (!/\.(movingMean|movingVariance|gamma|beta)$/.test(name)) continue;
    const positive = name.endsWith('.movingVariance') || name.endsWith('.gamma');
    const data = Float32Array.from({ length: v.size }, () => rng.nextFloat() + (positive ? 0.5 : -0.5));
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
}

const logits = (m: Model, x: tf.Tensor4D, cond: Parameters<typeof condition>[0]) =>
  tf.tidy(() => m.forward(x, condition(cond)).dataSync() as Float32Array);

describe('narrowArchitecture on a pre-activation WRN', () => {
  it('keeps every layer name, with every kernel and norm at its width-0.5 shape', () => {
    const wide = new Model(wrn.name, SPEC, new PluginHost([]), wrn, 1);
    const narrow = new Model(`${wrn.name}-w0_5`, SPEC, new PluginHost([]), narrowArchitecture(wrn, 0.5), 1);
    expect(narrow.layers.map((l) => l.name)).toEqual(wide.layers.map((l) => l.name));
    wide.layers.forEach((layer, i) => expect(narrow.layers[i].shape, layer.name).toEqual(narrowShape(layer, 0.5)));
    expect(wide.layers.some((l) => l.role === 'shortcut')).toBe(true);
    wide.dispose();
    narrow.dispose();
  });

  it.each([0.5, 1])('width %s: the narrow model computes the wide model’s width-w forward', (width) => {
    const wide = new Model(wrn.name, SPEC, new PluginHost([dual(), ...slimmable({ widths: [1, 0.5] })]), wrn, 2);
    randomiseNorms(wide.variables, 17);
    const arch = width === 1 ? wrn : narrowArchitecture(wrn, width);
    const narrow = new Model(arch.name, SPEC, new PluginHost([dual()]), arch, 5);
    assignVariables(narrow.variables, narrowWeights(wide, width), 'narrowWeights');
    const x = tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    expect(maxRelErr(logits(narrow, x, { norm: 'adv' }), logits(wide, x, { norm: 'adv', width }))).toBeLessThan(1e-5);
    x.dispose();
    wide.dispose();
    narrow.dispose();
  });
});
