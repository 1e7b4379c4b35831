import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { condition, FUSED_CONV, ModelBuilder, PluginHost, Rng, type ForwardContext, type Plugin } from '@floatjs/engine';
import { maxRelErr } from '@floatjs/engine/testing';
import { selectBackend } from './backend';

const CI = 3;
const CO = 6;

/** A weight hook that scales the kernel and keeps its first `keep` output channels (a width switch). */
function narrowing(keep: number): Plugin {
  return { name: 'narrow', weightTransform: { apply: (w) => tf.slice(tf.mul(w, 1.5), [0, 0, 0, 0], [-1, -1, -1, keep]) } };
}

/** A plugin that wraps normalized features, as FiLM does. */
const wrapping: Plugin = { name: 'wrap', normalization: { wrap: (f) => tf.add(f, 0.25) } };

function build(plugins: Plugin[], stride: number, activation: 'relu' | 'linear') {
  const host = new PluginHost(plugins);
  const b = new ModelBuilder(host, new Rng(4));
  const fused = b.convNorm('c', { inChannels: CI, filters: CO, kernelSize: 3, stride }, 'n', activation);
  const vars = b.registry.vars;
  const rng = new Rng(9);
  // Running statistics and affine parameters far from the identity, so a folding mistake shows.
  tf.tidy(() => {
    vars.get('n.gamma')!.assign(tf.tensor1d(Float32Array.from({ length: CO }, () => 0.5 + rng.nextFloat())));
    vars.get('n.beta')!.assign(tf.tensor1d(rng.fillNormal(new Float32Array(CO), 1)));
    vars.get('n.movingMean')!.assign(tf.tensor1d(rng.fillNormal(new Float32Array(CO), 1)));
    vars.get('n.movingVariance')!.assign(tf.tensor1d(Float32Array.from({ length: CO }, () => 0.3 + 2 * rng.nextFloat())));
  });
  // The unfolded reference: conv, then inference batch norm written out, then the activation.
  const reference = (x: tf.Tensor4D, ctx: ForwardContext) => {
    const w = host.transformWeight(vars.get('c.kernel')!, { name: 'c', kind: 'conv2d', role: 'body', shape: [], extras: {} }, ctx) as tf.Tensor4D;
    const c = w.shape[3];
    const head = (k: string) => tf.slice(vars.get(`n.${k}`)! as tf.Tensor1D, 0, c);
    const z = tf.conv2d(x, w, stride, 1);
    const bn = tf.add(tf.mul(tf.div(tf.sub(z, head('movingMean')), tf.sqrt(tf.add(head('movingVariance'), 1e-5))), head('gamma')), head('beta'));
    const y = host.wrapNorm(bn as tf.Tensor4D, { name: 'n', kind: 'norm', role: 'body', shape: [], extras: {} }, ctx);
    return activation === 'relu' ? tf.relu(y) : y;
  };
  return { fused, reference, vars, dispose: () => vars.forEach((v) => v.dispose()) };
}

function compare(plugins: Plugin[], stride: number, activation: 'relu' | 'linear') {
  const m = build(plugins, stride, activation);
  const ctx: ForwardContext = { cond: condition({ training: false }), rng: new Rng(1) };
  const out = tf.tidy(() => {
    const x = tf.tensor4d(new Rng(3).fillNormal(new Float32Array(2 * 7 * 6 * CI), 1), [2, 7, 6, CI]);
    const params = ['c.kernel', 'n.gamma', 'n.beta'].map((k) => m.vars.get(k)!);
    const gradsOf = (f: (x: tf.Tensor4D, ctx: ForwardContext) => tf.Tensor) => {
      const y = f(x, ctx);
      // A fixed cotangent that varies over the output, so every element weighs in.
      const cot = tf.reshape(tf.sin(tf.range(0, y.size)), y.shape);
      const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, ctx), cot)))(x);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x, ctx), cot)) as tf.Scalar, params);
      return { y: y.dataSync(), gx: gx.dataSync(), gp: params.map((p) => grads[p.name].dataSync()) };
    };
    return { fused: gradsOf(m.fused), ref: gradsOf(m.reference) };
  });
  m.dispose();
  return out;
}

const CASES: Array<{ name: string; plugins: Plugin[]; stride: number; activation: 'relu' | 'linear' }> = [
  { name: 'relu, stride 1', plugins: [], stride: 1, activation: 'relu' },
  { name: 'linear, stride 2', plugins: [], stride: 2, activation: 'linear' },
  { name: 'relu, weight hook keeping 4 of 6 channels', plugins: [narrowing(4)], stride: 2, activation: 'relu' },
  { name: 'relu under a wrapping plugin (not folded)', plugins: [wrapping], stride: 1, activation: 'relu' },
];

describe('ConvNorm: the folded inference forward equals conv → batch norm → activation', () => {
  afterAll(async () => {
    await selectBackend('cpu');
  });
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const c of CASES) {
      it(`${backend}: ${c.name}: outputs, d/dx and d/d(kernel, γ, β)`, async () => {
        await selectBackend(backend);
        const { fused, ref } = compare(c.plugins, c.stride, c.activation);
        expect(fused.y.length).toBe(ref.y.length);
        expect(maxRelErr(fused.y, ref.y)).toBeLessThan(1e-5);
        expect(maxRelErr(fused.gx, ref.gx)).toBeLessThan(1e-5);
        for (let i = 0; i < 3; i++) expect(maxRelErr(fused.gp[i], ref.gp[i])).toBeLessThan(1e-4);
      });
    }
  }

  it('runs one fused kernel per forward, and an input gradient computes no filter or bias gradient', async () => {
    await selectBackend('wasm');
    const m = build([], 1, 'relu');
    const ctx: ForwardContext = { cond: condition({ training: false }), rng: new Rng(1) };
    const x = tf.tensor4d(new Rng(5).fillNormal(new Float32Array(2 * 5 * 5 * CI), 1), [2, 5, 5, CI]);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => {
      tf.dispose(tf.grad((xx: tf.Tensor) => tf.sum(m.fused(xx as tf.Tensor4D, ctx)))(x));
    });
    const kernels = profile.kernelNames;
    expect(kernels.filter((k) => k === FUSED_CONV)).toHaveLength(1);
    expect(kernels).toContain('Conv2DBackpropInput');
    expect(kernels).not.toContain('Conv2DBackpropFilter');
    // One Sum is the loss; the bias gradient would be a second.
    expect(kernels.filter((k) => k === 'Sum')).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('a training forward is not folded (batch statistics, running statistics updated)', async () => {
    await selectBackend('wasm');
    const m = build([], 1, 'relu');
    const mean0 = m.vars.get('n.movingMean')!.dataSync().slice();
    const profile = await tf.profile(() => {
      tf.tidy(() => m.fused(tf.ones([2, 4, 4, CI]), { cond: condition({ training: true }), rng: new Rng(1) }));
    });
    expect(profile.kernelNames).not.toContain(FUSED_CONV);
    expect(maxRelErr(m.vars.get('n.movingMean')!.dataSync(), mean0)).toBeGreaterThan(1e-3);
    m.dispose();
  });
});
