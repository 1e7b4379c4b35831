import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStockBackend } from '../testing';
import { condition } from '../condition';
import type { InputSpec } from '../model';
import { architectureNames, createModel, registerArchitecture } from './zoo';
import { cnnS } from './cnn-s';

const MNIST: InputSpec = { height: 28, width: 28, channels: 1, numClasses: 10 };
const CIFAR: InputSpec = { height: 32, width: 32, channels: 3, numClasses: 10 };

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('cnn-s', () => {
  it('has the hand-computed parameter count', () => {
    const m = createModel('cnn-s', MNIST);
    const convs = 3 * 3 * 1 * 32 + 3 * 3 * 32 * 64 + 3 * 3 * 64 * 128; // bias-free
    const bnAffine = 2 * (32 + 64 + 128); // γ, β
    const bnRunning = 2 * (32 + 64 + 128); // running mean, running variance (not trainable)
    const fc = 128 * 10 + 10;
    expect(convs + bnAffine + fc).toBe(94186);
    expect(m.paramCount()).toEqual({ trainable: convs + bnAffine + fc, total: convs + bnAffine + fc + bnRunning });
    expect(m.paramCount((n) => n.startsWith('conv'))).toEqual({ trainable: convs, total: convs });
    expect(m.trainableVariables().reduce((a, v) => a + v.size, 0)).toBe(94186);
    // Layer shapes in tfjs layout.
    expect(m.variables.get('conv2.kernel')!.shape).toEqual([3, 3, 32, 64]);
    expect(m.variables.get('fc.kernel')!.shape).toEqual([128, 10]);
    expect(m.variables.get('bn3.movingVariance')!.trainable).toBe(false);
    expect(m.layers.map((l) => `${l.name}:${l.kind}:${l.role}`)).toEqual([
      'conv1:conv2d:stem',
      'bn1:norm:body',
      'conv2:conv2d:body',
      'bn2:norm:body',
      'conv3:conv2d:body',
      'bn3:norm:body',
      'fc:dense:classifier',
    ]);
    m.dispose();
  });

  it('maps [N, 28, 28, 1] to finite [N, 10] logits in both modes, without leaking tensors', () => {
    const m = createModel('cnn-s', MNIST);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (const cond of [condition({ training: true }), condition()]) {
      // Callers own the tidy scope of a forward (the trainer's tape, an attack's tidy).
      const y = tf.tidy(() => m.forward(x, cond));
      expect(y.shape).toEqual([3, 10]);
      expect((y.dataSync() as Float32Array).every(Number.isFinite)).toBe(true);
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('is seeded: same seed gives the same weights, another seed different ones', () => {
    const a = createModel('cnn-s', MNIST, [], 5);
    const b = createModel('cnn-s', MNIST, [], 5);
    const c = createModel('cnn-s', MNIST, [], 6);
    const w = (m: typeof a) => Array.from(m.variables.get('conv2.kernel')!.dataSync());
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
    // PyTorch's default init: U(±1/sqrt(fan_in)), std = 1/sqrt(3·fan_in) with fan_in = 3·3·32.
    const rms = (v: number[]) => Math.sqrt(v.reduce((s, t) => s + t * t, 0) / v.length);
    const std = rms(w(a));
    expect(std / Math.sqrt(1 / (3 * 288))).toBeGreaterThan(0.97);
    expect(std / Math.sqrt(1 / (3 * 288))).toBeLessThan(1.03);
    // He-normal, still selectable: std ≈ sqrt(2 / fan_in).
    const he = createModel('cnn-s', MNIST, [], 5, { init: 'he-normal' });
    const heStd = rms(w(he));
    expect(heStd / Math.sqrt(2 / 288)).toBeGreaterThan(0.97);
    expect(heStd / Math.sqrt(2 / 288)).toBeLessThan(1.03);
    for (const m of [a, b, c, he]) m.dispose();
  });
});

describe('resnet20', () => {
  it('has the standard ~0.27M trainable parameters (hand count with 1x1 projection shortcuts)', () => {
    const m = createModel('resnet20', CIFAR);
    const conv = (k: number, i: number, o: number) => k * k * i * o;
    const bn = (c: number) => 2 * c;
    let expected = conv(3, 3, 16) + bn(16); // stem
    expected += 3 * 2 * (conv(3, 16, 16) + bn(16)); // stage 1
    expected += conv(3, 16, 32) + conv(3, 32, 32) + conv(1, 16, 32) + 3 * bn(32); // stage 2, block 0
    expected += 2 * 2 * (conv(3, 32, 32) + bn(32));
    expected += conv(3, 32, 64) + conv(3, 64, 64) + conv(1, 32, 64) + 3 * bn(64); // stage 3, block 0
    expected += 2 * 2 * (conv(3, 64, 64) + bn(64));
    expected += 64 * 10 + 10; // fc
    expect(expected).toBe(272474);
    const { trainable, total } = m.paramCount();
    expect(trainable).toBe(expected);
    expect(trainable).toBeGreaterThan(0.26e6);
    expect(trainable).toBeLessThan(0.28e6);
    // Non-trainable: running mean and variance of 7 BNs each at 16, 32 and 64 channels.
    expect(total - trainable).toBe(2 * 7 * (16 + 32 + 64));
    expect(m.layers.filter((l) => l.kind === 'conv2d')).toHaveLength(21);
    expect(m.layers.filter((l) => l.role === 'shortcut').map((l) => l.name)).toEqual(['layer2.0.shortcut.conv', 'layer3.0.shortcut.conv']);
    m.dispose();
  });

  it('maps [N, 32, 32, 3] to [N, 10] logits', () => {
    const m = createModel('resnet20', CIFAR);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const y = tf.tidy(() => m.logitsFn({})(x));
    expect(y.shape).toEqual([2, 10]);
    expect((y.dataSync() as Float32Array).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('zoo', () => {
  it('lists architectures, rejects unknown names and duplicate registrations', () => {
    expect(architectureNames()).toEqual(expect.arrayContaining(['cnn-s', 'resnet20']));
    expect(() => createModel('vgg', MNIST)).toThrow(/unknown model "vgg"; expected one of: cnn-s, resnet20/);
    expect(() => registerArchitecture(cnnS)).toThrow(/already registered/);
  });
});
