import * as tf from '@tensorflow/tfjs-core';
import { condition, meanCrossEntropy, Model, pgdAtLossMix, PluginHost, Rng, Trainer, type LossMixContext, type Plugin } from '@floatjs/engine';
import { bitEqual, maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { slimmable } from './recipe';
import { fakeDual, fakeNoise, fgsm, source, spy, SPEC, tinyResnet, type Seen } from './test-utils/fakes';
import { atWidth } from './width-loop';

beforeAll(async () => {
  await useStockBackend('cpu');
});

function build(plugins: Plugin[], seed = 9): Model {
  return new Model(tinyResnet.name, SPEC, new PluginHost(plugins), tinyResnet, seed);
}

function batch(n = 6, seed = 21) {
  const x = tf.randomUniform([n, SPEC.height, SPEC.width, SPEC.channels], 0, 1, 'float32', seed) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: n }, (_, i) => i % SPEC.numClasses), 'int32');
  return { x, y };
}

/** variableGrads keys gradients by tfjs variable id; tests read them by model variable name. */
function byModelName(model: Model, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, v] of model.variables) if (grads[v.name]) out.set(name, grads[v.name]);
  return out;
}

const ctxFor = (model: Model, x: tf.Tensor4D, y: tf.Tensor1D): LossMixContext => ({ model, x, y, adversary: fgsm, rng: new Rng(5), step: 0, epoch: 0 });

describe('widthLoop', () => {
  it('one tape over all widths: the gradient equals the sum of the widths’ separate gradients', () => {
    const recipe = () => [fakeDual(), fakeNoise(), pgdAtLossMix({ lambda: 0.5 })];
    const wide = build([...recipe(), ...slimmable()]);
    const ref = build([...recipe(), ...slimmable()]);
    const { x, y } = batch();

    const prepared = wide.host.lossMix!.prepare(ctxFor(wide, x, y));
    const joint = tf.variableGrads(() => prepared.loss(), wide.trainableVariables());
    prepared.dispose();
    const jointGrads = byModelName(wide, joint.grads);

    // The reference: S-Nets' loop by hand, one width at a time, gradients added up.
    const baseMix = pgdAtLossMix({ lambda: 0.5 }).lossMix!;
    const sum = new Map<string, Float32Array>();
    let lossSum = 0;
    for (const w of [1, 0.5]) {
      const p = baseMix.prepare(ctxFor(atWidth(ref, w), x, y));
      const { value, grads } = tf.variableGrads(() => p.loss(), ref.trainableVariables());
      lossSum += value.dataSync()[0];
      for (const [name, g] of byModelName(ref, grads)) {
        const acc = sum.get(name) ?? new Float32Array(g.size);
        const d = g.dataSync();
        for (let i = 0; i < acc.length; i++) acc[i] += d[i];
        sum.set(name, acc);
      }
      p.dispose();
      tf.dispose([value, ...Object.values(grads)]);
    }

    expect(joint.value.dataSync()[0]).toBeCloseTo(lossSum, 5);
    const names = [...jointGrads.keys()].sort();
    // pgd-at trains through the clean sets at λn = 0: the adv sets and α get no gradient in either run.
    expect(names).toEqual([...sum.keys()].sort());
    expect(names.length).toBe(62 - 24 - 6);
    for (const name of names) {
      const g = jointGrads.get(name)!.dataSync() as Float32Array;
      expect(maxRelErr(g, sum.get(name)!), name).toBeLessThan(1e-5);
    }
    // Both widths contributed: the narrow-only sets and the full-only channels both have gradients.
    expect(Math.max(...Array.from(jointGrads.get('stem.bn.clean.w0_5.gamma')!.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    expect(Math.max(...Array.from(jointGrads.get('layer2.0.conv2.kernel')!.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    tf.dispose([joint.value, ...Object.values(joint.grads), x, y]);
    wide.dispose();
    ref.dispose();
  });

  it('prepares widest first: each width’s attack targets that width, then the training forwards run per width', () => {
    const seen: Array<Seen & { values: Float32Array }> = [];
    const model = build([fakeDual(), pgdAtLossMix({ lambda: 0.5 }), ...slimmable({ widths: [0.5, 1] }), spy(seen)]);
    const { x, y } = batch();
    const prepared = model.host.lossMix!.prepare(ctxFor(model, x, y));
    const attacks = seen.filter((s) => s.layer === 'stem.conv').map((s) => s.width);
    expect(attacks).toEqual([1, 0.5]);
    seen.length = 0;
    const { value, grads } = tf.variableGrads(() => prepared.loss(), model.trainableVariables());
    // pgd-at at λ = 0.5: an adversarial and a clean training forward per width.
    expect(seen.filter((s) => s.layer === 'stem.conv').map((s) => s.width)).toEqual([1, 1, 0.5, 0.5]);
    prepared.dispose();
    tf.dispose([value, ...Object.values(grads), x, y]);
    model.dispose();
  });

  it('without another loss mix it sums plain clean losses over the widths', () => {
    const model = build([fakeDual(), ...slimmable()]);
    const { x, y } = batch();
    const ctx = ctxFor(model, x, y);
    const prepared = model.host.lossMix!.prepare(ctx);
    const got = tf.tidy(() => prepared.loss().dataSync()[0]);
    // Batch statistics do not depend on the running ones, so recomputing the forwards gives the same losses.
    const expected = [1, 0.5].reduce((s, w) => s + tf.tidy(() => meanCrossEntropy(model.forward(x, condition({ width: w, training: true })), y).dataSync()[0]), 0);
    expect(got).toBeCloseTo(expected, 5);
    prepared.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('trains with the Trainer: no tensor leaks over steps, and bit-identical runs from the same seed', () => {
    const run = (steps: number, counts: number[] = []) => {
      const model = build([fakeDual(), fakeNoise(), pgdAtLossMix({ lambda: 0.5 }), ...slimmable()], 4);
      const trainer = new Trainer(model, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'constant', seed: 3, adversary: fgsm });
      const batches = [...source(steps).batches(0)];
      const losses = batches.map((b) => {
        const loss = trainer.trainStep(b, 0.05);
        counts.push(tf.memory().numTensors);
        return loss;
      });
      return { model, trainer, losses };
    };
    const counts: number[] = [];
    const a = run(4, counts);
    // The first step creates the SGD momentum buffers; after that the count is flat.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(a.losses.every(Number.isFinite)).toBe(true);
    const b = run(4);
    expect(b.losses).toEqual(a.losses);
    for (const [name, v] of a.model.variables) {
      expect(bitEqual(v.dataSync() as Float32Array, b.model.variables.get(name)!.dataSync() as Float32Array), name).toBe(true);
    }
    for (const r of [a, b]) {
      r.trainer.dispose();
      r.model.dispose();
    }
  });
});
