// Slimmable recipes with the real method plugins: FLOAT (@floatjs/conditioning-float), FLOATS (with
// @floatjs/pruning) and OAT's loss (@floatjs/conditioning-film). withWidths' own test is beside the code, in
// packages/slimmable/src/recipes.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { filmDualNorm, oatLossMix } from '@floatjs/conditioning-film';
import { ALPHA, float } from '@floatjs/conditioning-float';
import { assignVariables, cnnS, Model, PluginHost, Trainer, type Plugin } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { changedNames, maxRelErr, snapshot } from '@floatjs/engine/testing';
import { sparseMomentum } from '@floatjs/pruning';
import { narrowArchitecture, narrowShape, narrowWeights, slicePrefix, slimRecipe } from '@floatjs/slimmable';
import { beforeAll, describe, expect, it } from 'vitest';
import { fgsm, source } from '../test-utils/fakes';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
const BNS = ['bn1', 'bn2', 'bn3'];

beforeAll(async () => {
  await selectBackend('cpu');
});

function train(plugins: Plugin[], steps: number, epochs = 1) {
  const model = new Model(cnnS.name, SPEC, new PluginHost(plugins), cnnS, 1);
  const trainer = new Trainer(model, { epochs, lr: 0.05, momentum: 0.9, weightDecay: 0, schedule: 'constant', seed: 2, adversary: fgsm });
  return { model, trainer, data: source(steps, SPEC, 6) };
}

describe('recipes', () => {
  it('float-slim: every (clean|adv) × width set trains, α moves, no tensor leaks; the width-0.5 export matches at λ = 0', async () => {
    const { model, trainer, data } = train(slimRecipe(float()), 3);
    expect(model.host.normKeys()).toEqual(['clean.w1', 'clean.w0_5', 'adv.w1', 'adv.w0_5']);
    const before = snapshot(model.variables);
    const counts: number[] = [];
    const losses: number[] = [];
    await trainer.fit(data, { afterStep: (e) => (losses.push(e.loss), counts.push(tf.memory().numTensors)) });
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(new Set(counts.slice(1)).size).toBe(1);
    const changed = new Set(changedNames(before, snapshot(model.variables)));
    for (const key of model.host.normKeys()) for (const bn of BNS) expect(changed.has(`${bn}.${key}.movingMean`), `${bn}.${key}`).toBe(true);
    for (const conv of ['conv1', 'conv2', 'conv3']) expect(changed.has(`${conv}.${ALPHA}`)).toBe(true);

    const arch = narrowArchitecture(cnnS, 0.5);
    const narrow = new Model(arch.name, SPEC, new PluginHost(float()), arch, 1);
    assignVariables(narrow.variables, narrowWeights(model, 0.5, { stdScaled: [ALPHA] }), 'float-slim export');
    expect(narrow.variables.get('conv2.kernel')!.shape).toEqual([3, 3, 16, 32]);
    const x = tf.randomUniform([4, 12, 12, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const f = (m: Model, width: number) => tf.tidy(() => m.logitsFn({ norm: 'clean', width })(x).dataSync() as Float32Array);
    expect(maxRelErr(f(narrow, 1), f(model, 0.5))).toBeLessThan(1e-5);
    x.dispose();
    narrow.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('floats-slim: masks cover the full kernels; the width-0.5 kernels keep the sliced mask’s zeros', async () => {
    const sparse = sparseMomentum({ density: 0.5, epochs: 1 });
    const { model, trainer, data } = train(slimRecipe([...float(), sparse]), 2);
    await trainer.fit(data);
    const weights = narrowWeights(model, 0.5, { stdScaled: [ALPHA] });
    for (const layer of model.layers.filter((l) => l.kind === 'conv2d')) {
      const mask = sparse.masks().get(layer.name)!;
      expect(mask.shape).toEqual(layer.shape);
      const size = narrowShape(layer, 0.5);
      const bits = slicePrefix(mask.bits, mask.shape, size);
      const kernel = weights.get(`${layer.name}.kernel`)!;
      expect(kernel.shape).toEqual(size);
      for (let i = 0; i < bits.length; i++) if (!bits[i]) expect(kernel.data[i]).toBe(0);
    }
    trainer.dispose();
    model.dispose();
  });

  it('oat-slim loss: per-sample λ training wraps around the widths (FiLM itself must accept narrow features)', async () => {
    const { model, trainer, data } = train(slimRecipe([filmDualNorm(), oatLossMix()]), 2);
    const before = snapshot(model.variables);
    const losses: number[] = [];
    await trainer.fit(data, { afterStep: (e) => losses.push(e.loss) });
    expect(losses.every(Number.isFinite)).toBe(true);
    const changed = new Set(changedNames(before, snapshot(model.variables)));
    for (const key of ['clean.w1', 'clean.w0_5', 'adv.w1', 'adv.w0_5']) expect(changed.has(`bn2.${key}.movingVariance`), key).toBe(true);
    trainer.dispose();
    model.dispose();
  });
});
