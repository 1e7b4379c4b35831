// FiLM on narrow features (a slimmable width), as OAT's SlimmableFiLM_Layer: the first 2c hidden units and
// outputs of the MLP, μ = out[:c], σ = out[c:2c].
import * as tf from '@tensorflow/tfjs-core';
import { cnnS, condition, Model, PluginHost, Rng, type Condition, type LayerInfo, type Plugin } from '@floatjs/engine';
import { bitEqual, maxRelErr, useStockBackend } from '@floatjs/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filmDualNorm } from './dual-norm';
import { ENCODING, film, FILM_VARS } from './film';
import { FILM_LAMBDAS } from './lambdas';

const C = 8;
const DIM = 8;
const LEAK = 0.01;

let encoding: tf.Variable;
let layer: LayerInfo;
let values: Record<string, Float32Array>;

function random(n: number, seed: number, scale = 0.5): Float32Array {
  return new Rng(seed).fillNormal(new Float32Array(n), scale);
}

function filmPlugin(): Plugin {
  const f = film({ dim: DIM, seed: 3 });
  f.bindModelVariables!({ [ENCODING]: encoding });
  return f;
}

beforeAll(async () => {
  await useStockBackend('cpu');
  const spec = film({ dim: DIM, seed: 3 }).modelVariables!()[0];
  encoding = tf.variable(tf.tensor(spec.init as Float32Array, spec.shape), false);
  const shapes: Record<string, number[]> = {
    [FILM_VARS.fc1Kernel]: [DIM, 2 * C],
    [FILM_VARS.fc1Bias]: [2 * C],
    [FILM_VARS.fc2Kernel]: [2 * C, 2 * C],
    [FILM_VARS.fc2Bias]: [2 * C],
  };
  values = {};
  const extras: Record<string, tf.Variable> = {};
  Object.entries(shapes).forEach(([name, shape], i) => {
    values[name] = random(shape.reduce((a, b) => a * b, 1), 10 + i);
    extras[name] = tf.variable(tf.tensor(values[name], shape), true, `w.${name}`);
  });
  layer = { name: 'bn1', kind: 'norm', role: 'body', shape: [C], extras };
});

afterAll(() => {
  encoding.dispose();
  for (const v of Object.values(layer.extras)) v.dispose();
});

/** The leading block [rows, cols] of a row-major [R, Cc] matrix, copied on the host. */
function block(data: Float32Array, cols: number, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) out.set(data.subarray(i * cols, i * cols + c), i * c);
  return out;
}

/** OAT's FiLM written out with host-sliced MLP weights for c channels (the pre-change full-width code path). */
function reference(features: tf.Tensor4D, lambdaRow: number, c: number): Float32Array {
  const h = 2 * c;
  return tf.tidy(() => {
    const e = tf.gather(encoding, tf.tensor1d([lambdaRow], 'int32')) as tf.Tensor2D;
    const k1 = tf.tensor2d(block(values[FILM_VARS.fc1Kernel], 2 * C, DIM, h), [DIM, h]);
    const b1 = tf.tensor1d(values[FILM_VARS.fc1Bias].slice(0, h));
    const k2 = tf.tensor2d(block(values[FILM_VARS.fc2Kernel], 2 * C, h, h), [h, h]);
    const b2 = tf.tensor1d(values[FILM_VARS.fc2Bias].slice(0, h));
    const hidden = tf.leakyRelu(tf.add(tf.matMul(e, k1), b1), LEAK);
    const out = tf.add(tf.matMul(hidden as tf.Tensor2D, k2), b2) as tf.Tensor2D;
    const [mu, sigma] = tf.split(out, 2, 1);
    const scale = tf.reshape(tf.leakyRelu(mu, LEAK), [1, 1, 1, c]);
    const shift = tf.reshape(tf.leakyRelu(sigma, LEAK), [1, 1, 1, c]);
    return tf.add(tf.mul(features, scale), shift).dataSync() as Float32Array;
  });
}

const features = (c: number, seed = 4) => tf.tensor4d(random(2 * 3 * 3 * c, seed, 1), [2, 3, 3, c]);
const ctx = (lambda: number) => ({ cond: condition({ lambda, norm: lambda === 0 ? 'clean' : 'adv' }), rng: new Rng(1) });
const wrap = (f: Plugin, x: tf.Tensor4D, lambda: number) => tf.tidy(() => f.normalization!.wrap!(x, layer, ctx(lambda)).dataSync() as Float32Array);

describe('film at a slimmable width', () => {
  it('at the full width the output is bit-equal to OAT’s FiLM with the whole MLP', () => {
    const f = filmPlugin();
    const x = features(C);
    // λ = 0.2 is row 2 of the default set.
    expect(bitEqual(wrap(f, x, 0.2), reference(x, 2, C))).toBe(true);
    x.dispose();
  });

  it.each([4, 3, 1])('with %i of 8 channels it uses the first 2c hidden units and outputs (μ = out[:c], σ = out[c:2c])', (c) => {
    const f = filmPlugin();
    const x = features(c, 5 + c);
    const got = wrap(f, x, 1);
    expect(got).toHaveLength(2 * 3 * 3 * c);
    expect(maxRelErr(got, reference(x, 5, c))).toBeLessThan(1e-6);
    x.dispose();
  });

  it('matches a hand computation: fc2 kernel 0 leaves μ, σ = leaky_relu of fc2’s bias halves', () => {
    const f = filmPlugin();
    const k2 = layer.extras[FILM_VARS.fc2Kernel];
    const b2 = layer.extras[FILM_VARS.fc2Bias];
    const saved = [k2.dataSync().slice(), b2.dataSync().slice()] as Float32Array[];
    const bias = [2, -3, 0.5, -1, /* σ of c = 4: */ 4, -10, 0, 1, /* unused at c = 4: */ 99, 99, 99, 99, 99, 99, 99, 99];
    tf.tidy(() => {
      k2.assign(tf.zeros([2 * C, 2 * C]));
      b2.assign(tf.tensor1d(bias));
    });
    const x = tf.ones([1, 1, 1, 4]) as tf.Tensor4D;
    const got = Array.from(wrap(f, x, 0.3));
    const leaky = (v: number) => (v > 0 ? v : LEAK * v);
    // y = 1 · leaky(μ) + leaky(σ): 2 + 4, −0.03 − 0.1, 0.5 + 0, −0.01 + 1.
    const want = [0, 1, 2, 3].map((i) => leaky(bias[i]) + leaky(bias[4 + i]));
    expect(want).toEqual([6, -0.03 - 0.1, 0.5, 0.99]);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    tf.tidy(() => {
      k2.assign(tf.tensor(saved[0], k2.shape));
      b2.assign(tf.tensor(saved[1], b2.shape));
    });
    x.dispose();
  });

  it('a narrow forward trains only the used block of the MLP; wider features than the layer throw', () => {
    const f = filmPlugin();
    const x = features(4, 9);
    const { grads, value } = tf.variableGrads(() => tf.sum(f.normalization!.wrap!(x, layer, ctx(1))) as tf.Scalar, Object.values(layer.extras));
    const g = (name: string) => grads[`w.${name}`].arraySync() as number[][] | number[];
    const k1 = g(FILM_VARS.fc1Kernel) as number[][];
    const k2 = g(FILM_VARS.fc2Kernel) as number[][];
    // fc1: all DIM rows, first 8 of 16 columns; fc2: the leading 8 × 8 block.
    expect(k1.every((row) => row.slice(8).every((v) => v === 0))).toBe(true);
    expect(k1.some((row) => row.slice(0, 8).some((v) => v !== 0))).toBe(true);
    expect(k2.slice(8).every((row) => row.every((v) => v === 0)) && k2.every((row) => row.slice(8).every((v) => v === 0))).toBe(true);
    expect((g(FILM_VARS.fc2Bias) as number[]).slice(8).every((v) => v === 0)).toBe(true);
    expect((g(FILM_VARS.fc2Bias) as number[]).slice(0, 8).some((v) => v !== 0)).toBe(true);
    tf.dispose([value, ...Object.values(grads), x]);

    const wide = features(C + 1);
    expect(() => f.normalization!.wrap!(wide, layer, ctx(1))).toThrow(/film: bn1 got 9 channels, more than the 8 it was built for/);
    wide.dispose();
  });

  it('runs inside a model whose kernels are sliced to half width, per-sample λs included; full width unchanged', () => {
    // A stand-in for the slimmable width slice (first half of every channel axis but the image and class axes).
    const half: Plugin = {
      name: 'half-width',
      weightTransform: {
        order: 1000,
        apply(w, l, { cond }) {
          if (cond.width === 1) return w;
          const s = l.shape;
          const size = l.kind === 'conv2d' ? [s[0], s[1], l.role === 'stem' ? s[2] : s[2] / 2, s[3] / 2] : [s[0] / 2, s[1]];
          return tf.slice(w, size.map(() => 0), size);
        },
      },
    };
    const spec = { height: 12, width: 12, channels: 1, numClasses: 4 };
    const plain = new Model(cnnS.name, spec, new PluginHost([film({ seed: 2 }), filmDualNorm()]), cnnS, 1);
    const sliced = new Model(cnnS.name, spec, new PluginHost([film({ seed: 2 }), filmDualNorm(), half]), cnnS, 1);
    const x = tf.randomUniform([4, 12, 12, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const run = (m: Model, cond: Partial<Condition>) => tf.tidy(() => m.logitsFn(cond)(x).dataSync() as Float32Array);
    const full = run(plain, { lambda: 0.4, norm: 'adv' });
    run(sliced, { lambda: 0.4, norm: 'adv' }); // first forward initialises the MLPs (same plugin seed)
    expect(bitEqual(run(sliced, { lambda: 0.4, norm: 'adv' }), full)).toBe(true);
    const narrow = run(sliced, { lambda: 0.4, norm: 'adv', width: 0.5 });
    expect(narrow.every(Number.isFinite)).toBe(true);
    expect(maxRelErr(narrow, full)).toBeGreaterThan(1e-3);
    // Rows at their own λs equal whole-batch forwards at those λs (inference mode: rows are independent).
    const lambdas = [0.1, 0.4, 1, 0.4];
    const mixed = run(sliced, { lambda: 0.4, norm: 'adv', width: 0.5, [FILM_LAMBDAS]: new Float32Array(lambdas) });
    lambdas.forEach((l, i) => {
      const each = run(sliced, { lambda: l, norm: 'adv', width: 0.5 });
      expect(maxRelErr(mixed.subarray(4 * i, 4 * i + 4), each.subarray(4 * i, 4 * i + 4))).toBeLessThan(1e-5);
    });
    x.dispose();
    plain.dispose();
    sliced.dispose();
  });
});
