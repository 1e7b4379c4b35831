import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, ModelBuilder, PluginHost, Rng, type ForwardContext, type LayerInfo, type Plugin } from '@floatjs/engine';
import { bitEqual, maxRelErr, mean, std, useStockBackend } from '@floatjs/engine/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, floatNoise, weightStd } from './noisy-weight';
import { dualNorm } from './dual-norm';

beforeAll(async () => {
  await useStockBackend('cpu');
});

/** One noisy conv built through the engine, as a model's builder would build it. */
function noisyConv(opts: { inChannels: number; filters: number; kernelSize?: number; alphaInit?: number; seed?: number }) {
  const host = new PluginHost([floatNoise({ alphaInit: opts.alphaInit })]);
  const b = new ModelBuilder(host, new Rng(opts.seed ?? 1));
  const apply = b.conv('c', { inChannels: opts.inChannels, filters: opts.filters, kernelSize: opts.kernelSize ?? 3 });
  const kernel = b.registry.vars.get('c.kernel')!;
  const alpha = b.registry.vars.get(`c.${ALPHA}`)!;
  const info: LayerInfo = b.layers[0];
  /** W' as the conv sees it in a forward with this context. */
  const noisy = (ctx: ForwardContext) => tf.tidy(() => Float32Array.from(host.transformWeight(kernel, info, ctx).dataSync() as Float32Array));
  return { host, apply, kernel, alpha, info, noisy, dispose: () => b.registry.vars.forEach((v) => v.dispose()) };
}

function ctxWith(rng: Rng, lambdaN: number): ForwardContext {
  return { cond: condition({ lambda: lambdaN, lambdaN, norm: 'adv' }), rng };
}

describe('noisy conv gradients (cpu, float32)', () => {
  const IN = 8;
  const OUT = 16;
  const LAMBDA_N = 0.8;
  const H = 1e-2;

  function setup(alphaInit: number) {
    const layer = noisyConv({ inChannels: IN, filters: OUT, alphaInit, seed: 5 });
    const dataRng = new Rng(77);
    const x = tf.tensor4d(dataRng.fillNormal(new Float32Array(2 * 5 * 5 * IN), 1), [2, 5, 5, IN]);
    const r = tf.tensor4d(dataRng.fillNormal(new Float32Array(2 * 5 * 5 * OUT), 1), [2, 5, 5, OUT]);
    const rng = new Rng(2024);
    const state = rng.getState();
    /** A smooth loss of the conv output: Σ tanh(conv(x, W'))·R. */
    const lossOf = (y: tf.Tensor4D) => tf.sum(tf.mul(tf.tanh(y), r)) as tf.Scalar;
    /** Loss through the engine, with η drawn from the rng reset to the fixed state. */
    const engineLoss = () => {
      rng.setState(state);
      return tf.tidy(() => lossOf(layer.apply(x, ctxWith(rng, LAMBDA_N))).dataSync()[0]);
    };
    const analytic = () => {
      rng.setState(state);
      const { value, grads } = tf.variableGrads(() => lossOf(layer.apply(x, ctxWith(rng, LAMBDA_N))), [layer.kernel, layer.alpha]);
      const out = {
        loss: value.dataSync()[0],
        dW: Float32Array.from(grads[layer.kernel.name].dataSync() as Float32Array),
        dAlpha: grads[layer.alpha.name].dataSync()[0],
      };
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    /** The η the engine draws from the fixed state, reproduced outside it: σ(W) as a number, then N(0, σ²). */
    const eta = () => {
      rng.setState(state);
      return rng.fillNormal(new Float32Array(layer.kernel.size), weightStd(layer.kernel));
    };
    const dispose = () => {
      tf.dispose([x, r]);
      layer.dispose();
    };
    return { layer, x, lossOf, engineLoss, analytic, eta, dispose, rng, state };
  }

  it('the engine draws W\' = W + λn·α·η exactly, with η reproducible from the rng state', () => {
    const s = setup(0.25);
    const eta = s.eta();
    s.rng.setState(s.state);
    const engine = s.layer.noisy(ctxWith(s.rng, LAMBDA_N));
    const manual = tf.tidy(() =>
      Float32Array.from(tf.add(s.layer.kernel, tf.mul(tf.mul(s.layer.alpha, LAMBDA_N), tf.tensor(eta, s.layer.kernel.shape))).dataSync() as Float32Array),
    );
    expect(bitEqual(engine, manual)).toBe(true);
    s.dispose();
  });

  it('dL/dα matches central finite differences (η fixed through the rng state)', () => {
    const s = setup(0.25);
    const { dAlpha } = s.analytic();
    const a0 = s.layer.alpha.dataSync()[0];
    s.layer.alpha.assign(tf.scalar(a0 + H));
    const up = s.engineLoss();
    s.layer.alpha.assign(tf.scalar(a0 - H));
    const down = s.engineLoss();
    s.layer.alpha.assign(tf.scalar(a0));
    const numeric = (up - down) / (2 * H);
    expect(Math.abs(dAlpha)).toBeGreaterThan(1e-2);
    expect(Math.abs(dAlpha - numeric) / Math.abs(numeric)).toBeLessThan(2e-2);
    // And the closed form ∂L/∂α = λn·Σ (∂L/∂W' ⊙ η).
    const eta = s.eta();
    const dWnoisy = tf.tidy(() => {
      const wNoisy = tf.add(s.layer.kernel, tf.mul(tf.mul(s.layer.alpha, LAMBDA_N), tf.tensor(eta, s.layer.kernel.shape)));
      return Float32Array.from(tf.grad((w: tf.Tensor) => s.lossOf(tf.conv2d(s.x, w as tf.Tensor4D, 1, 1)))(wNoisy).dataSync() as Float32Array);
    });
    const closed = LAMBDA_N * dWnoisy.reduce((acc, g, i) => acc + g * eta[i], 0);
    expect(Math.abs(dAlpha - closed) / Math.abs(closed)).toBeLessThan(1e-4);
    s.dispose();
  });

  it('dL/dW matches central finite differences (η fixed through the rng state)', () => {
    const s = setup(0.25);
    const { dW } = s.analytic();
    const w0 = Float32Array.from(s.layer.kernel.dataSync() as Float32Array);
    const numeric = new Float32Array(w0.length);
    const w = Float32Array.from(w0);
    for (let i = 0; i < w0.length; i++) {
      w[i] = w0[i] + H;
      s.layer.kernel.assign(tf.tensor(w, s.layer.kernel.shape));
      const up = s.engineLoss();
      w[i] = w0[i] - H;
      s.layer.kernel.assign(tf.tensor(w, s.layer.kernel.shape));
      const down = s.engineLoss();
      w[i] = w0[i];
      numeric[i] = (up - down) / (2 * H);
    }
    s.layer.kernel.assign(tf.tensor(w0, s.layer.kernel.shape));
    expect(maxRelErr(dW, numeric)).toBeLessThan(2e-2);
    s.dispose();
  });

  it('dL/dW is the gradient with η held constant: no gradient through std(W) or η (∂W\'/∂W = I)', () => {
    // A large α makes the σ(W) path big enough that this comparison would catch it.
    const s = setup(3);
    const { dW, loss } = s.analytic();
    const eta = s.eta();
    const frozen = tf.tidy(() => {
      const etaConst = tf.tensor(eta, s.layer.kernel.shape);
      const c = tf.mul(s.layer.alpha, LAMBDA_N);
      const f = (w: tf.Tensor) => s.lossOf(tf.conv2d(s.x, tf.add(w, tf.mul(c, etaConst)) as tf.Tensor4D, 1, 1));
      const { value, grad } = tf.valueAndGrad(f)(s.layer.kernel);
      return { loss: value.dataSync()[0], dW: Float32Array.from(grad.dataSync() as Float32Array) };
    });
    expect(loss).toBe(frozen.loss);
    expect(maxRelErr(dW, frozen.dW)).toBeLessThan(1e-5);

    // What a σ(W) gradient path would add (η = σ(W)·z with σ a tensor): clearly different.
    const z = eta.map((e) => e / weightStd(s.layer.kernel));
    const throughStd = tf.tidy(() => {
      const zc = tf.tensor(z, s.layer.kernel.shape);
      const c = tf.mul(s.layer.alpha, LAMBDA_N);
      const f = (w: tf.Tensor) => {
        const sigma = tf.sqrt(tf.moments(w).variance);
        return s.lossOf(tf.conv2d(s.x, tf.add(w, tf.mul(c, tf.mul(sigma, zc))) as tf.Tensor4D, 1, 1));
      };
      return Float32Array.from(tf.grad(f)(s.layer.kernel).dataSync() as Float32Array);
    });
    expect(maxRelErr(dW, throughStd)).toBeGreaterThan(1e-3);
    s.dispose();
  });

  it('in a full model (training forward, dual BN): dL/dW = dL/dW\' and dL/dα = λn·Σ(dL/dW\' ⊙ η) for every conv', () => {
    // A probe plugin runs after the noise and adds a zero variable δ to each conv kernel, so dL/dδ = dL/dW'.
    // Finite differences are unreliable at model level (ReLU kinks), so this checks the chain rule exactly.
    const seen = new Map<string, Float32Array>();
    const probe: Plugin = {
      name: 'probe',
      layerVariables: (l) => (l.kind === 'conv2d' ? [{ name: 'delta', shape: l.shape, init: 0, trainable: true }] : []),
      weightTransform: {
        order: 100,
        apply(weight, l) {
          if (l.kind !== 'conv2d') return weight;
          seen.set(l.name, Float32Array.from(weight.dataSync() as Float32Array));
          return tf.add(weight, l.extras.delta);
        },
      },
    };
    const lambdaN = 0.6;
    const model = createModel('cnn-s', { height: 10, width: 10, channels: 1, numClasses: 4 }, [floatNoise(), dualNorm(), probe], 3);
    const x = tf.randomUniform([6, 10, 10, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32'), 4);
    const cond = condition({ lambda: 1, lambdaN, norm: 'adv', training: true });
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.forward(x, cond, new Rng(4))) as tf.Scalar);
    for (const conv of ['conv1', 'conv2', 'conv3']) {
      const g = (n: string) => grads[model.variables.get(`${conv}.${n}`)!.name].dataSync() as Float32Array;
      const dW = g('kernel');
      const dWnoisy = g('delta');
      expect(bitEqual(dW, dWnoisy)).toBe(true);
      const w = model.variables.get(`${conv}.kernel`)!.dataSync() as Float32Array;
      const alpha = model.variables.get(`${conv}.${ALPHA}`)!.dataSync()[0];
      const wNoisy = seen.get(conv)!;
      // η·λn·α, recovered from what the conv actually used.
      const scaledEta = wNoisy.map((v, i) => v - w[i]);
      expect(std(scaledEta) / std(w)).toBeCloseTo(lambdaN * alpha, 1);
      const closed = dWnoisy.reduce((acc, d, i) => acc + d * scaledEta[i], 0) / alpha;
      const dAlpha = g(ALPHA)[0];
      expect(Math.abs(dAlpha)).toBeGreaterThan(1e-4);
      expect(Math.abs(dAlpha - closed) / Math.abs(closed)).toBeLessThan(1e-3);
    }
    tf.dispose([value, x, y, ...Object.values(grads)]);
    model.dispose();
  });
});

describe('noise draws', () => {
  it('η is fresh on every forward: two forwards give different W\'', () => {
    const layer = noisyConv({ inChannels: 4, filters: 8 });
    const rng = new Rng(1);
    const a = layer.noisy(ctxWith(rng, 1));
    const b = layer.noisy(ctxWith(rng, 1));
    const w = layer.kernel.dataSync() as Float32Array;
    expect(bitEqual(a, b)).toBe(false);
    expect(a.filter((v, i) => v !== b[i]).length).toBe(a.length);
    expect(bitEqual(a, w)).toBe(false);
    // Same state, same draw.
    const r1 = new Rng(5);
    const r2 = new Rng(5);
    expect(bitEqual(layer.noisy(ctxWith(r1, 1)), layer.noisy(ctxWith(r2, 1)))).toBe(true);
    layer.dispose();
  });

  it('η ~ N(0, std(W)²) over the whole tensor, independent of W', () => {
    const layer = noisyConv({ inChannels: 64, filters: 128, alphaInit: 1 }); // 73 728 weights
    const w = Float32Array.from(layer.kernel.dataSync() as Float32Array);
    const eta = layer.noisy(ctxWith(new Rng(3), 1)).map((v, i) => v - w[i]);
    const sw = std(w);
    expect(weightStd(layer.kernel)).toBeCloseTo(sw, 6);
    expect(std(eta) / sw).toBeGreaterThan(0.98);
    expect(std(eta) / sw).toBeLessThan(1.02);
    expect(Math.abs(mean(eta)) / sw).toBeLessThan(0.02);
    const mw = mean(w);
    let cov = 0;
    for (let i = 0; i < w.length; i++) cov += (w[i] - mw) * eta[i];
    expect(Math.abs(cov / w.length / (sw * std(eta)))).toBeLessThan(0.02);
    layer.dispose();
  });

  it('σ follows the current W: scaling W by 3 scales η by 3 for the same draw', () => {
    const layer = noisyConv({ inChannels: 4, filters: 8, alphaInit: 1 });
    const w = Float32Array.from(layer.kernel.dataSync() as Float32Array);
    const eta1 = layer.noisy(ctxWith(new Rng(3), 1)).map((v, i) => v - w[i]);
    layer.kernel.assign(tf.mul(layer.kernel, 3));
    const eta3 = layer.noisy(ctxWith(new Rng(3), 1)).map((v, i) => v - 3 * w[i]);
    expect(maxRelErr(eta3, eta1.map((v) => 3 * v))).toBeLessThan(1e-4);
    layer.dispose();
  });

  it('λn = 0 gives exactly W, without drawing', () => {
    const layer = noisyConv({ inChannels: 4, filters: 8 });
    const rng = new Rng(1);
    const before = rng.getState();
    const out = layer.host.transformWeight(layer.kernel, layer.info, ctxWith(rng, 0));
    expect(out).toBe(layer.kernel);
    expect(rng.getState()).toEqual(before);
    layer.dispose();
  });

  it('the noise scales with λn·α', () => {
    const layer = noisyConv({ inChannels: 8, filters: 8 });
    const w = Float32Array.from(layer.kernel.dataSync() as Float32Array);
    const perUnit = (lambdaN: number, alpha: number) => {
      layer.alpha.assign(tf.scalar(alpha));
      return layer.noisy(ctxWith(new Rng(11), lambdaN)).map((v, i) => (v - w[i]) / (lambdaN * alpha));
    };
    const ref = perUnit(1, 1);
    expect(std(ref) / std(w)).toBeGreaterThan(0.85);
    for (const [ln, a] of [
      [0.2, 0.25],
      [0.5, 0.25],
      [1, 0.25],
      [0.7, 2],
    ]) {
      expect(maxRelErr(perUnit(ln, a), ref)).toBeLessThan(2e-4);
    }
    // α = 0 switches noise off even at λn = 1.
    layer.alpha.assign(tf.scalar(0));
    expect(bitEqual(layer.noisy(ctxWith(new Rng(11), 1)), w)).toBe(true);
    layer.dispose();
  });
});

describe('which layers are noisy', () => {
  it('every conv (stem, body, shortcut) gets one trainable scalar α = alphaInit; the classifier gets none', () => {
    const model = createModel('resnet20', { height: 8, width: 8, channels: 3, numClasses: 10 }, [floatNoise({ alphaInit: 0.3 })], 1);
    const alphas = [...model.variables].filter(([n]) => n.endsWith(`.${ALPHA}`));
    const convs = model.layers.filter((l) => l.kind === 'conv2d');
    expect(convs).toHaveLength(21);
    expect(alphas.map(([n]) => n).sort()).toEqual(convs.map((l) => `${l.name}.${ALPHA}`).sort());
    for (const [, v] of alphas) {
      expect(v.shape).toEqual([]);
      expect(v.trainable).toBe(true);
      expect(v.dataSync()[0]).toBeCloseTo(0.3, 7);
    }
    expect(model.variables.has(`fc.${ALPHA}`)).toBe(false);
    const fc = model.layers.find((l) => l.kind === 'dense')!;
    expect(fc.role).toBe('classifier');
    expect(fc.extras).toEqual({});
    for (const l of model.layers.filter((x) => x.kind === 'norm')) expect(l.extras).toEqual({});
    // 21 extra trainable scalars on top of resnet20's 272 474.
    expect(model.paramCount().trainable).toBe(272474 + 21);
    model.dispose();
  });

  it('the classifier kernel passes through unchanged at λn = 1', () => {
    const model = createModel('cnn-s', { height: 8, width: 8, channels: 1, numClasses: 4 }, [floatNoise()], 1);
    const fc = model.layers.find((l) => l.kind === 'dense')!;
    const kernel = model.variables.get('fc.kernel')!;
    const rng = new Rng(1);
    const state = rng.getState();
    expect(model.host.transformWeight(kernel, fc, ctxWith(rng, 1))).toBe(kernel);
    expect(rng.getState()).toEqual(state);
    model.dispose();
  });

  it('inference at λn > 0 is stochastic, at λn = 0 deterministic', () => {
    const model = createModel('cnn-s', { height: 8, width: 8, channels: 1, numClasses: 4 }, [floatNoise(), dualNorm()], 1);
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const run = (lambdaN: number) => tf.tidy(() => Float32Array.from(model.logitsFn({ norm: 'adv', lambdaN })(x).dataSync() as Float32Array));
    expect(bitEqual(run(0), run(0))).toBe(true);
    expect(bitEqual(run(1), run(1))).toBe(false);
    tf.dispose(x);
    model.dispose();
  });

  it('rejects a non-finite alphaInit, and a noisy conv without its α', () => {
    expect(() => floatNoise({ alphaInit: Number.NaN })).toThrow(/alphaInit must be a finite number/);
    const plugin = floatNoise();
    const bare = noisyConv({ inChannels: 2, filters: 2 });
    const info = { ...bare.info, extras: {} };
    expect(() => plugin.weightTransform!.apply(bare.kernel, info, ctxWith(new Rng(1), 1))).toThrow(/layer c has no α variable/);
    bare.dispose();
  });
});
