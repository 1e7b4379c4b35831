import * as tf from '@tensorflow/tfjs-core';
import { condition, Model, PluginHost } from '@floatjs/engine';
import { bitEqual, changedNames, snapshot, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { slimmable } from './recipe';
import { fakeDual, SPEC, tinyResnet } from './test-utils/fakes';

beforeAll(async () => {
  await useStockBackend('cpu');
});

function build(widths = [1, 0.5]): Model {
  return new Model(tinyResnet.name, SPEC, new PluginHost([fakeDual(), ...slimmable({ widths })]), tinyResnet, 5);
}

const NORMS = ['stem.bn', 'layer1.0.bn1', 'layer1.0.bn2', 'layer2.0.bn1', 'layer2.0.bn2', 'layer2.0.shortcut.bn'];

describe('switchableNorm', () => {
  it('gives every norm layer one full-size set per (clean|adv) × width', () => {
    const model = build([1, 0.75, 0.5]);
    expect(model.host.normKeys()).toEqual(['clean.w1', 'clean.w0_75', 'clean.w0_5', 'adv.w1', 'adv.w0_75', 'adv.w0_5']);
    for (const bn of NORMS) {
      const c = model.layers.find((l) => l.name === bn)!.shape[0];
      for (const key of model.host.normKeys()) {
        for (const f of ['gamma', 'beta', 'movingMean', 'movingVariance']) expect(model.variables.get(`${bn}.${key}.${f}`)!.shape).toEqual([c]);
      }
    }
    model.dispose();
  });

  it('a training forward at width 0.5 changes only that width’s running statistics, and only their first ⌊C/2⌋ entries', () => {
    const model = build();
    const x = tf.randomUniform([4, SPEC.height, SPEC.width, SPEC.channels], 0, 1, 'float32', 3) as tf.Tensor4D;
    for (const norm of ['clean', 'adv'] as const) {
      const before = snapshot(model.variables);
      tf.tidy(() => model.forward(x, condition({ width: 0.5, norm, training: true })));
      const after = snapshot(model.variables);
      const changed = changedNames(before, after).sort();
      expect(changed).toEqual(NORMS.flatMap((bn) => [`${bn}.${norm}.w0_5.movingMean`, `${bn}.${norm}.w0_5.movingVariance`]).sort());
      for (const name of changed) {
        const c = before.get(name)!.length;
        const k = c / 2;
        expect(bitEqual(before.get(name)!.subarray(k), after.get(name)!.subarray(k))).toBe(true);
        for (let i = 0; i < k; i++) expect(after.get(name)![i]).not.toBe(before.get(name)![i]);
      }
    }
    // And width 1 touches only the w1 sets.
    const before = snapshot(model.variables);
    tf.tidy(() => model.forward(x, condition({ training: true })));
    expect(changedNames(before, snapshot(model.variables)).every((n) => n.includes('.clean.w1.'))).toBe(true);
    x.dispose();
    model.dispose();
  });

  it('inference at a width reads that width’s set: changing the other width’s set changes nothing', () => {
    const model = build();
    const x = tf.randomUniform([2, SPEC.height, SPEC.width, SPEC.channels], 0, 1, 'float32', 4) as tf.Tensor4D;
    const cond = condition({ width: 0.5, norm: 'adv' });
    const y0 = tf.tidy(() => model.forward(x, cond).dataSync() as Float32Array);
    tf.tidy(() => model.variables.get('layer1.0.bn1.adv.w1.gamma')!.assign(tf.fill([4], 3)));
    expect(bitEqual(y0, tf.tidy(() => model.forward(x, cond).dataSync() as Float32Array))).toBe(true);
    tf.tidy(() => model.variables.get('layer1.0.bn1.adv.w0_5.gamma')!.assign(tf.fill([4], 3)));
    expect(bitEqual(y0, tf.tidy(() => model.forward(x, cond).dataSync() as Float32Array))).toBe(false);
    x.dispose();
    model.dispose();
  });
});
