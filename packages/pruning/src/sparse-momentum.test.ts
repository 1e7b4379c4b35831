// The tests of the mask over FLOAT's noise (with floatNoise() from @floatjs/conditioning-float) are in
// packages/integration/src/pruning/sparse-momentum.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, ModelBuilder, PluginHost, Rng, Trainer, type LayerInfo, type MaskUpdateContext } from '@floatjs/engine';
import { useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, decodeBits, encodeBits, type PruningPlugin } from './masks';
import { pruneRateAt } from './mask-plugin';
import { randomMask, sparseMomentum } from './sparse-momentum';
import { source, SPEC } from './test-utils/data';
import { maskStats } from './test-utils/mask-stats';

beforeAll(async () => {
  await useStockBackend('cpu');
});

/** A hand-built context: 1×1 convs with flat kernels [1, 1, 1, n], given weights and momentum. */
function fakeContext(layers: Array<{ name: string; size: number }>) {
  const infos: LayerInfo[] = layers.map((l) => ({ name: l.name, kind: 'conv2d', role: 'body', shape: [1, 1, 1, l.size], extras: {} }));
  const variables = new Map(layers.map((l) => [`${l.name}.kernel`, tf.variable(tf.ones([1, 1, 1, l.size]))]));
  const momentum = new Map(layers.map((l) => [`${l.name}.kernel`, tf.variable(tf.zeros([1, 1, 1, l.size]), false)]));
  const ctx = { model: { layers: infos, variables }, optimizer: { momentum }, step: 0, epoch: 0 } as unknown as MaskUpdateContext;
  const set = (map: Map<string, tf.Variable>, name: string, values: number[]) => map.get(`${name}.kernel`)!.assign(tf.tensor(values, [1, 1, 1, values.length]));
  return {
    ctx,
    setWeight: (name: string, v: number[]) => set(variables, name, v),
    setMomentum: (name: string, v: number[]) => set(momentum, name, v),
    weight: (name: string) => Array.from(variables.get(`${name}.kernel`)!.dataSync()),
  };
}

const bitsOf = (p: PruningPlugin, name: string) => Array.from(p.masks().get(name)!.bits);

describe('pieces', () => {
  it('prune rate decays per step from pruneRate to the floor (linear and cosine)', () => {
    expect(pruneRateAt(0, 100, 0.5, 0.005, 'linear')).toBeCloseTo(0.5, 12);
    expect(pruneRateAt(50, 100, 0.5, 0.005, 'linear')).toBeCloseTo(0.2525, 12);
    expect(pruneRateAt(100, 100, 0.5, 0.005, 'linear')).toBeCloseTo(0.005, 12);
    expect(pruneRateAt(50, 100, 0.5, 0.005, 'cosine')).toBeCloseTo(0.2525, 12);
    expect(pruneRateAt(25, 100, 0.5, 0.005, 'cosine')).toBeCloseTo(0.005 + 0.495 * (1 + Math.SQRT1_2) / 2, 12);
    expect(pruneRateAt(500, undefined, 0.5, 0.005, 'linear')).toBe(0.5);
  });

  it('initial masks are uniform random with exactly ⌊d·n⌋ ones, seeded per layer', () => {
    const a = randomMask('conv1', [3, 3, 4, 8], 0.3, 7);
    expect(a.nnz).toBe(86);
    expect(a.bits.reduce((s, b) => s + b, 0)).toBe(86);
    expect(randomMask('conv1', [3, 3, 4, 8], 0.3, 7).bits).toEqual(a.bits);
    expect(randomMask('conv1', [3, 3, 4, 8], 0.3, 8).bits).not.toEqual(a.bits);
  });

  it('allocate: proportional split, largest remainder, caps with overflow re-split', () => {
    expect(allocate(50, [3, 1], [75, 75])).toEqual([38, 12]); // 37.5 / 12.5, tie → lower index
    expect(allocate(55, [100, 1], [15, 150])).toEqual([15, 40]); // 54.5 > cap 15 → overflow to layer 2
    expect(allocate(10, [0, 0], [2, 8])).toEqual([2, 8]); // no signal → by capacity
    expect(allocate(100, [1, 1], [3, 4])).toEqual([3, 4]); // never more than the room
  });

  it('bit packing round-trips', () => {
    const bits = Uint8Array.from({ length: 37 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    expect(decodeBits(encodeBits(bits), 37)).toEqual(bits);
  });
});

describe('sparseMomentum prune/regrow on a hand-built two-layer case', () => {
  it('redistributes the removed budget ∝ mean |momentum| of active weights and regrows by |momentum|', () => {
    const f = fakeContext([
      { name: 'a', size: 100 },
      { name: 'b', size: 100 },
    ]);
    const p = sparseMomentum({ density: 0.5, seed: 3 });
    p.maskUpdate!.afterStep!(f.ctx);
    const ma = bitsOf(p, 'a');
    const mb = bitsOf(p, 'b');
    expect(ma.filter(Boolean)).toHaveLength(50);
    expect(mb.filter(Boolean)).toHaveLength(50);
    // Kernels masked: ones where kept, zeros elsewhere.
    expect(f.weight('a')).toEqual(ma);
    // Active weights get |W| = 1..50 (in index order); momentum 3 (layer a) / 1 (layer b) on active weights,
    // distinct values ≥ 10 on the inactive ones.
    const setup = (name: string, mask: number[], active: number) => {
      let k = 0;
      f.setWeight(name, mask.map((m) => (m ? ++k * (k % 2 ? 1 : -1) : 0)));
      f.setMomentum(name, mask.map((m, i) => (m ? active : 10 + i)));
    };
    setup('a', ma, 3);
    setup('b', mb, 1);
    p.maskUpdate!.epochEnd!(f.ctx); // no totalSteps/epochs: rate stays 0.5
    // Each layer: ⌈0.5·50⌉ = 25 removed (the 25 smallest |W|). G = 100 − 50 = 50, split 3:1 → 37.5/12.5 → 38/12.
    const na = bitsOf(p, 'a');
    const nb = bitsOf(p, 'b');
    expect(na.filter(Boolean)).toHaveLength(25 + 38);
    expect(nb.filter(Boolean)).toHaveLength(25 + 12);
    // Survivors are the 25 largest |W| of the previously active ones.
    const activeA = ma.map((m, i) => (m ? i : -1)).filter((i) => i >= 0);
    for (const [rank, i] of activeA.entries()) expect(na[i]).toBe(rank >= 25 ? 1 : 0);
    // Regrown: the 38 previously-inactive positions with the largest momentum (10 + i ⇒ the highest indices).
    const inactiveA = ma.map((m, i) => (m ? -1 : i)).filter((i) => i >= 0);
    for (const [rank, i] of inactiveA.entries()) expect(na[i]).toBe(rank >= inactiveA.length - 38 ? 1 : 0);
    // Kernels masked again: regrown positions start at 0, pruned ones are 0.
    const wa = f.weight('a');
    for (let i = 0; i < 100; i++) if (!na[i] || !ma[i]) expect(wa[i]).toBe(0);
    expect(maskStats(p).nnz).toBe(100);
  });

  it('a layer whose share exceeds its room is filled exactly to its size; the overflow goes elsewhere', () => {
    const f = fakeContext([
      { name: 'a', size: 20 },
      { name: 'b', size: 200 },
    ]);
    const p = sparseMomentum({ density: 0.5, seed: 4 });
    p.maskUpdate!.afterStep!(f.ctx);
    const ma = bitsOf(p, 'a');
    const mb = bitsOf(p, 'b');
    f.setWeight('a', ma.map((m, i) => m * (i + 1)));
    f.setWeight('b', mb.map((m, i) => m * (i + 1)));
    f.setMomentum('a', ma.map(() => 100));
    f.setMomentum('b', mb.map(() => 1));
    p.maskUpdate!.epochEnd!(f.ctx);
    // Removed 5 + 50; G = 110 − 55 = 55; a's ideal 55·100/101 ≈ 54.5 > room 15 → a full (20), b gets 40 → 90.
    expect(bitsOf(p, 'a')).toEqual(new Array(20).fill(1));
    expect(bitsOf(p, 'b').filter(Boolean)).toHaveLength(90);
    // A second round with the same signals cannot push a past its size either.
    p.maskUpdate!.epochEnd!(f.ctx);
    expect(p.masks().get('a')!.nnz).toBeLessThanOrEqual(20);
    expect(maskStats(p).nnz).toBe(110);
  });
});

describe('sparseMomentum in a Trainer run (cnn-s, cpu)', () => {
  it('keeps Σ nnz ≤ d·Σ size and pruned weights exactly zero after every step; pruned momentum keeps accumulating', async () => {
    const density = 0.3;
    const plugin = sparseMomentum({ density, epochs: 2, seed: 5 });
    const model = createModel('cnn-s', SPEC, [plugin], 3);
    const trainer = new Trainer(model, { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 3, adversary: null });
    const convs = ['conv1', 'conv2', 'conv3'];
    const totalSize = convs.reduce((a, c) => a + model.variables.get(`${c}.kernel`)!.size, 0);
    const budget = Math.floor(density * totalSize);
    const prunedMomentum: number[] = [];
    let steps = 0;
    const masksBefore: Uint8Array[] = [];
    await trainer.fit(source(3), {
      afterStep: () => {
        steps++;
        let nnzWeights = 0;
        let momentumAtPruned = 0;
        for (const c of convs) {
          const mask = plugin.masks().get(c)!;
          const w = model.variables.get(`${c}.kernel`)!.dataSync();
          const m = trainer.optimizer.momentum.get(`${c}.kernel`)!.dataSync();
          for (let i = 0; i < w.length; i++) {
            if (w[i] !== 0) nnzWeights++;
            if (!mask.bits[i]) {
              expect(w[i]).toBe(0);
              momentumAtPruned += Math.abs(m[i]);
            }
          }
        }
        expect(nnzWeights).toBeLessThanOrEqual(budget);
        expect(maskStats(plugin).nnz).toBeLessThanOrEqual(budget);
        prunedMomentum.push(momentumAtPruned);
        if (steps === 3) masksBefore.push(...convs.map((c) => Uint8Array.from(plugin.masks().get(c)!.bits)));
      },
    });
    expect(steps).toBe(6);
    // Momentum at pruned positions is nonzero and grows during the first epoch (gradients are not masked).
    expect(prunedMomentum[0]).toBeGreaterThan(0);
    expect(prunedMomentum[2]).toBeGreaterThan(prunedMomentum[0]);
    // The epoch-end round changed the masks; the dense classifier is never masked.
    expect(convs.some((c, i) => !plugin.masks().get(c)!.bits.every((b, j) => b === masksBefore[i][j]))).toBe(true);
    expect(plugin.masks().has('fc')).toBe(false);
    const stats = maskStats(plugin);
    expect(stats.density).toBeLessThanOrEqual(density);
    expect(stats.density).toBeGreaterThan(density - 0.001);
    trainer.dispose();
    model.dispose();
  });
});

describe('masking the FLOAT noise', () => {
  it('the gradient passes straight through the mask to W (pruned weights get their gradient)', () => {
    const p = sparseMomentum({ density: 0.3 });
    const host = new PluginHost([p]);
    const b = new ModelBuilder(host, new Rng(1));
    const apply = b.conv('c', { inChannels: 2, filters: 3, kernelSize: 3 });
    const kernel = b.registry.vars.get('c.kernel')!;
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
    const { grads } = tf.variableGrads(() => tf.sum(apply(x, { cond: condition(), rng: new Rng(1) })) as tf.Scalar, [kernel]);
    const g = grads[kernel.name].dataSync();
    const bits = p.masks().get('c')!.bits;
    expect(Array.from(g).filter((v, i) => !bits[i] && v !== 0).length).toBeGreaterThan(0);
  });
});

describe('sparseMomentum state', () => {
  it('getState/setState round-trips the masks through JSON', () => {
    const f = fakeContext([
      { name: 'a', size: 30 },
      { name: 'b', size: 50 },
    ]);
    const p = sparseMomentum({ density: 0.4, seed: 11 });
    p.maskUpdate!.afterStep!(f.ctx);
    f.setMomentum('a', Array.from({ length: 30 }, (_, i) => i));
    p.maskUpdate!.epochEnd!(f.ctx);
    const json = JSON.parse(JSON.stringify(p.getState!()));
    const q = sparseMomentum({ density: 0.4, seed: 99 });
    q.setState!(json);
    for (const name of ['a', 'b']) {
      expect(q.masks().get(name)!.bits).toEqual(p.masks().get(name)!.bits);
      expect(q.masks().get(name)!.nnz).toBe(p.masks().get(name)!.nnz);
    }
    // The restored plugin keeps its masks (does not re-draw from its own seed) at the next step.
    q.maskUpdate!.afterStep!(f.ctx);
    expect(q.masks().get('a')!.bits).toEqual(p.masks().get('a')!.bits);
    expect(() => q.setState!({ version: 2 })).toThrow(/unrecognised/);
  });

  it('rejects a density outside (0, 1]', () => {
    expect(() => sparseMomentum({ density: 0 })).toThrow(/density/);
    expect(() => sparseMomentum({ density: 1.5 })).toThrow(/density/);
  });
});
