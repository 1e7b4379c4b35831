import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, type Condition, type Model } from '@floatjs/engine';
import { bitEqual, maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filmDualNorm } from './dual-norm';
import { ENCODING, film, FILM_VARS, filmParamsPerLayer } from './film';
import { FILM_LAMBDAS, randomOrthogonal } from './lambdas';
import { oatLossMix } from './loss-mix';
import { oat, oatCondition, oatSettings } from './recipe';

const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
const CHANNELS = { bn1: 32, bn2: 64, bn3: 128 };

let x: tf.Tensor4D;

beforeAll(async () => {
  await useStockBackend('cpu');
  x = tf.randomUniform([4, 12, 12, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
});

afterAll(() => x.dispose());

function logits(model: Model, cond: Partial<Condition>, input: tf.Tensor4D = x): Float32Array {
  return tf.tidy(() => model.logitsFn(cond)(input).dataSync() as Float32Array);
}

describe('film', () => {
  it('adds fc1/fc2 kernels and biases to every norm layer with OAT shapes, and the encoding as a model variable', () => {
    const model = createModel('cnn-s', SPEC, oat({ seed: 3 }), 1);
    for (const [bn, c] of Object.entries(CHANNELS)) {
      expect(model.variables.get(`${bn}.film.fc1.kernel`)!.shape).toEqual([128, 2 * c]);
      expect(model.variables.get(`${bn}.film.fc1.bias`)!.shape).toEqual([2 * c]);
      expect(model.variables.get(`${bn}.film.fc2.kernel`)!.shape).toEqual([2 * c, 2 * c]);
      expect(model.variables.get(`${bn}.film.fc2.bias`)!.shape).toEqual([2 * c]);
      for (const k of Object.values(FILM_VARS)) expect(model.variables.get(`${bn}.${k}`)!.trainable).toBe(true);
      // Dual BN: two sets per layer.
      expect(model.variables.has(`${bn}.clean.gamma`) && model.variables.has(`${bn}.adv.gamma`)).toBe(true);
    }
    // No FiLM on convs or the classifier.
    expect([...model.variables.keys()].filter((n) => n.includes('.film.')).every((n) => n.startsWith('bn'))).toBe(true);
    const enc = model.variables.get(`film.${ENCODING}`)!;
    expect(enc.shape).toEqual([128, 128]);
    expect(enc.trainable).toBe(false);
    expect(bitEqual(enc.dataSync() as Float32Array, randomOrthogonal(128, 3))).toBe(true);
    model.dispose();
  });

  it('skips shortcut norm layers (no FiLM on a ResNet shortcut, as in OAT) and non-norm layers', () => {
    const f = film();
    expect(f.layerVariables!({ name: 'layer2.0.shortcut.bn', kind: 'norm', role: 'body', shape: [32] })).toEqual([]);
    expect(f.layerVariables!({ name: 'conv1', kind: 'conv2d', role: 'stem', shape: [3, 3, 1, 32] })).toEqual([]);
    expect(f.layerVariables!({ name: 'layer2.0.bn1', kind: 'norm', role: 'body', shape: [32] }).map((s) => s.name)).toEqual(Object.values(FILM_VARS));
  });

  it('FiLM parameter count on cnn-s matches the hand computation', () => {
    // Per layer: fc1 128·2C + 2C, fc2 2C·2C + 2C.
    // C = 32: 8192 + 64 + 4096 + 64 = 12 416; C = 64: 16 384 + 128 + 16 384 + 128 = 33 024;
    // C = 128: 32 768 + 256 + 65 536 + 256 = 98 816.  Sum 144 256 trainable, plus the 128×128 encoding.
    expect(filmParamsPerLayer(32, 128) + filmParamsPerLayer(64, 128) + filmParamsPerLayer(128, 128)).toBe(144_256);
    const model = createModel('cnn-s', SPEC, oat(), 1);
    expect(model.paramCount((n) => n.includes('.film.'))).toEqual({ total: 144_256, trainable: 144_256 });
    const without = createModel('cnn-s', SPEC, [filmDualNorm(), oatLossMix()], 1);
    const a = model.paramCount();
    const b = without.paramCount();
    expect(a.total - b.total).toBe(144_256 + 128 * 128);
    expect(a.trainable - b.trainable).toBe(144_256);
    model.dispose();
    without.dispose();
  });

  it('initialises the FiLM MLP on the first forward like PyTorch Linear (seeded), then keeps it', () => {
    const a = createModel('cnn-s', SPEC, oat({ seed: 5 }), 1);
    const b = createModel('cnn-s', SPEC, oat({ seed: 5 }), 2);
    const k = a.variables.get('bn2.film.fc1.kernel')!;
    expect(Array.from(k.dataSync()).every((v) => v === 0)).toBe(true);
    const first = logits(a, oatCondition(0.2));
    const values = Float32Array.from(k.dataSync());
    expect(values.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128));
    const fc2 = a.variables.get('bn2.film.fc2.bias')!.dataSync();
    expect(Math.max(...Array.from(fc2, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(128));
    // Same plugin seed, same init (the model seed does not enter it).
    logits(b, oatCondition(0.2));
    expect(bitEqual(values, b.variables.get('bn2.film.fc1.kernel')!.dataSync() as Float32Array)).toBe(true);
    // A second forward does not re-initialise.
    expect(bitEqual(logits(a, oatCondition(0.2)), first)).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('different λs give different logits; per-sample λs equal per-λ forwards', () => {
    const model = createModel('cnn-s', SPEC, oat(), 1);
    const at = Object.fromEntries([0, 0.1, 0.4, 1].map((l) => [l, logits(model, oatCondition(l))]));
    expect(maxRelErr(at[0.1], at[0.4])).toBeGreaterThan(1e-4);
    expect(maxRelErr(at[0.4], at[1])).toBeGreaterThan(1e-4);
    expect(maxRelErr(at[0], at[0.1])).toBeGreaterThan(1e-4);
    // Rows 0..3 at λ = 0.1, 0.4, 1, 0.4 (all BN_A, inference mode: rows are independent).
    const mixed = logits(model, { lambda: 0.4, norm: 'adv', [FILM_LAMBDAS]: new Float32Array([0.1, 0.4, 1, 0.4]) });
    const k = SPEC.numClasses;
    const row = (a: Float32Array, i: number) => a.subarray(i * k, (i + 1) * k);
    [0.1, 0.4, 1, 0.4].forEach((l, i) => expect(maxRelErr(row(mixed, i), row(at[l], i))).toBeLessThan(1e-5));
    model.dispose();
  });

  it('rejects a λ outside the set, a wrong number of per-sample λs, and BN choices against OAT’s rule', () => {
    const model = createModel('cnn-s', SPEC, oat(), 1);
    expect(() => logits(model, { lambda: 0.25, norm: 'adv' })).toThrow(/λ = 0.25 is not in the model's λ set/);
    expect(() => logits(model, { lambda: 0.1, norm: 'adv', [FILM_LAMBDAS]: [0.1, 0.2] })).toThrow(/holds 2 λs for a batch of 4/);
    expect(() => logits(model, { lambda: 0.2 })).toThrow(/norm "clean" for λ = 0.2/);
    expect(() => logits(model, { lambda: 0, norm: 'adv' })).toThrow(/norm "adv" for λ = 0/);
    expect(() => oatCondition(0.7)).toThrow(/λ = 0.7 is not in the model's λ set/);
    model.dispose();
  });

  it('one film() instance serves one live model', () => {
    const plugins = oat();
    const model = createModel('cnn-s', SPEC, plugins, 1);
    expect(() => createModel('cnn-s', SPEC, plugins, 1)).toThrow(/already belongs to a live model/);
    model.dispose();
  });

  it('oatSettings keeps the requested λs that are in the set, BN_C only at λ = 0, distinct condition keys', () => {
    const s = oatSettings([0, 0.2, 0.7, 1]);
    expect(s.map((e) => e.lambda)).toEqual([0, 0.2, 1]);
    expect(s[0].cond).toEqual(condition({ lambda: 0, lambdaN: 0, norm: 'clean' }));
    expect(s[1].cond).toEqual(condition({ lambda: 0.2, lambdaN: 0, norm: 'adv' }));
    expect(s[2].cond).toMatchObject({ norm: 'adv', lambda: 1 });
    expect(oatSettings([0.5], [0, 0.5, 1])[0].cond.norm).toBe('adv');
    expect(() => film({ dim: 4, lambdas: [0, 0.1, 0.2, 0.3, 0.4, 1] })).toThrow(/dim must be an integer ≥ the number of λs/);
  });
});
