import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { architectureNames, condition, createModel, Model, PluginHost, Rng, type InputSpec, type Plugin } from '@floatjs/engine';
import { wideResnet } from './wide-resnet';
import { useStockBackend } from '@floatjs/engine/testing';
import { imagenetResnet } from './imagenet-resnet';
import './index';

const CIFAR10: InputSpec = { height: 32, width: 32, channels: 3, numClasses: 10 };
const TINY: InputSpec = { height: 64, width: 64, channels: 3, numClasses: 200 };

// Hand counts of the reference PyTorch layouts (trainable scalars; BN = γ + β; convs bias-free).
const conv = (k: number, i: number, o: number) => k * k * i * o;
const bn = (c: number) => 2 * c;
const linear = (i: number, o: number) => i * o + o;

/** kuangliu/pytorch-cifar ResNet (OAT/FLOAT models/cifar10/resnet*.py); `stemKernel` 7 for the ImageNet stem. */
function resnetCount(depths: number[], classes: number, stemKernel = 3): { trainable: number; bnChannels: number } {
  const widths = [64, 128, 256, 512];
  let trainable = conv(stemKernel, 3, 64) + bn(64);
  let bnChannels = 64;
  let inCh = 64;
  depths.forEach((d, s) => {
    for (let i = 0; i < d; i++) {
      const c = widths[s];
      trainable += conv(3, inCh, c) + bn(c) + conv(3, c, c) + bn(c);
      bnChannels += 2 * c;
      if (inCh !== c || (s > 0 && i === 0)) {
        trainable += conv(1, inCh, c) + bn(c);
        bnChannels += c;
      }
      inCh = c;
    }
  });
  return { trainable: trainable + linear(512, classes), bnChannels };
}

/** jeromerony/fast_adversarial WideResNet (OAT/FLOAT models/svhn|stl10/wide_resnet*.py). */
function wrnCount(depth: number, k: number, classes: number): { trainable: number; bnChannels: number } {
  const n = (depth - 4) / 6;
  let trainable = conv(3, 3, 16);
  let bnChannels = 0;
  let inCh = 16;
  for (const c of [16 * k, 32 * k, 64 * k]) {
    for (let i = 0; i < n; i++) {
      trainable += bn(inCh) + conv(3, inCh, c) + bn(c) + conv(3, c, c) + (inCh !== c ? conv(1, inCh, c) : 0);
      bnChannels += inCh + c;
      inCh = c;
    }
  }
  return { trainable: trainable + bn(inCh) + linear(inCh, classes), bnChannels: bnChannels + inCh };
}

function expectCount(m: Model, want: { trainable: number; bnChannels: number }): void {
  const { trainable, total } = m.paramCount();
  expect(trainable).toBe(want.trainable);
  // Non-trainable: running mean and variance of every BN.
  expect(total - trainable).toBe(2 * want.bnChannels);
}

/** One inference forward at batch 1: shape and finiteness, and no tensors left behind. */
function expectForward(m: Model, input: InputSpec): void {
  const x = tf.randomUniform([1, input.height, input.width, input.channels], 0, 1, 'float32', 5) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const y = tf.tidy(() => m.logitsFn({})(x));
  expect(y.shape).toEqual([1, input.numClasses]);
  expect((y.dataSync() as Float32Array).every(Number.isFinite)).toBe(true);
  y.dispose();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
}

/** Records the spatial size each norm layer sees, through the normalization hook. */
function shapeProbe(seen: Map<string, number[]>): Plugin {
  return { name: 'shape-probe', normalization: { wrap: (f, layer) => (seen.set(layer.name, f.shape.slice(1)), f) } };
}

beforeAll(async () => {
  await useStockBackend('cpu');
});

describe('paper models: parameter counts of the reference layouts', () => {
  it('resnet34 (CIFAR-10) has 21,282,122 trainable parameters, the paper\'s "~21.28 M"', () => {
    const want = resnetCount([3, 4, 6, 3], 10);
    expect(want.trainable).toBe(21_282_122);
    expect(want.trainable / 1e6).toBeCloseTo(21.28, 2); // FLOAT §4.3: "ResNet34 with ~ 21.28 M parameters"
    const m = createModel('resnet34', CIFAR10);
    expectCount(m, want);
    expect(m.layers.filter((l) => l.kind === 'conv2d')).toHaveLength(36); // 1 stem + 32 block convs + 3 projections
    m.dispose();
  });

  it('resnet18 (CIFAR-10) has 11,173,962 and maps 32x32 to 10 logits', () => {
    const want = resnetCount([2, 2, 2, 2], 10);
    expect(want.trainable).toBe(11_173_962);
    const m = createModel('resnet18', CIFAR10);
    expectCount(m, want);
    expect(m.layers.filter((l) => l.role === 'shortcut').map((l) => l.name)).toEqual(['layer2.0.shortcut.conv', 'layer3.0.shortcut.conv', 'layer4.0.shortcut.conv']);
    expectForward(m, CIFAR10);
    m.dispose();
  });

  it('wrn16-8 (10 classes) has 10,961,370: the reference has no shortcut BN and a biased linear', () => {
    const want = wrnCount(16, 8, 10);
    expect(want.trainable).toBe(10_961_370);
    const m = createModel('wrn16-8', CIFAR10);
    expectCount(m, want);
    const convs = m.layers.filter((l) => l.kind === 'conv2d');
    expect(convs).toHaveLength(1 + 3 * 2 * 2 + 3);
    expect(convs.filter((l) => l.role === 'shortcut').map((l) => l.name)).toEqual(['layer1.0.shortcut.conv', 'layer2.0.shortcut.conv', 'layer3.0.shortcut.conv']);
    expect(m.variables.get('layer1.0.bn1.gamma')!.shape).toEqual([16]); // pre-activation: BN before the first conv
    expect(m.variables.get('head.bn.gamma')!.shape).toEqual([512]);
    expect(m.variables.has('layer1.0.shortcut.bn.gamma')).toBe(false);
    expectForward(m, CIFAR10);
    m.dispose();
  });

  it('wrn40-2 (10 classes) has 2,243,546 and takes 96x96 STL-10 inputs', () => {
    const want = wrnCount(40, 2, 10);
    expect(want.trainable).toBe(2_243_546);
    const m = createModel('wrn40-2', CIFAR10);
    expectCount(m, want);
    expect(m.layers.filter((l) => l.kind === 'conv2d')).toHaveLength(1 + 3 * 6 * 2 + 3);
    expectForward(m, { height: 96, width: 96, channels: 3, numClasses: 10 });
    m.dispose();
  });

  it('resnet18-64 / resnet34-64 keep the CIFAR layers for 64x64 inputs and refuse other sizes', () => {
    expect([resnetCount([2, 2, 2, 2], 200).trainable, resnetCount([3, 4, 6, 3], 200).trainable]).toEqual([11_271_432, 21_379_592]);
    const r18 = createModel('resnet18-64', TINY);
    expectCount(r18, resnetCount([2, 2, 2, 2], 200));
    expectForward(r18, TINY);
    r18.dispose();
    const r34 = createModel('resnet34-64', TINY);
    expectCount(r34, resnetCount([3, 4, 6, 3], 200));
    r34.dispose();
    expect(() => createModel('resnet18-64', CIFAR10)).toThrow(/model "resnet18-64" expects 64x64 inputs, got 32x32; use "resnet18"/);
  });

  it('resnet18-imagenet has torchvision resnet18\'s 11,689,512 at 1000 classes, 11,227,812 at 100', () => {
    const want = resnetCount([2, 2, 2, 2], 1000, 7);
    expect(want.trainable).toBe(11_689_512);
    expect(resnetCount([2, 2, 2, 2], 100, 7).trainable).toBe(11_227_812);
    const m = createModel('resnet18-imagenet', { height: 224, width: 224, channels: 3, numClasses: 1000 });
    expectCount(m, want);
    expect(m.variables.get('stem.conv.kernel')!.shape).toEqual([7, 7, 3, 64]);
    m.dispose();
  });
});

describe('paper models: structure', () => {
  it('the ImageNet stem takes 224 to 112 (7x7/2 conv), 56 (3x3/2 max-pool), then 56/28/14/7 per stage', () => {
    const seen = new Map<string, number[]>();
    const def = imagenetResnet('tiny-imagenet-stem', 'narrow probe', [4, 4, 4, 4], [1, 1, 1, 1]);
    const m = new Model(def.name, { height: 224, width: 224, channels: 3, numClasses: 5 }, new PluginHost(shapeProbe(seen)), def, 1);
    const x = tf.randomUniform([1, 224, 224, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    tf.tidy(() => m.logitsFn({})(x));
    expect(seen.get('stem.bn')).toEqual([112, 112, 4]);
    expect(['layer1.0.bn1', 'layer2.0.bn1', 'layer3.0.bn1', 'layer4.0.bn1'].map((n) => seen.get(n)![0])).toEqual([56, 28, 14, 7]);
    x.dispose();
    m.dispose();
  });

  it('max-pool padding never wins (PyTorch semantics): an all-negative map pools to negatives', () => {
    const x = tf.fill([1, 6, 6, 1], -3) as tf.Tensor4D;
    const y = tf.maxPool(x, 3, 2, 1);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(y.dataSync())).toEqual(new Array(9).fill(-3));
    tf.dispose([x, y]);
  });

  it('narrow ImageNet-stem ResNet trains: every trainable variable gets a finite, non-zero gradient', () => {
    const def = imagenetResnet('narrow-imagenet', 'narrow probe', [4, 8, 8, 8], [1, 1, 1, 1]);
    const m = new Model(def.name, { height: 32, width: 32, channels: 3, numClasses: 3 }, new PluginHost([]), def, 3);
    const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(m.forward(x, condition({ training: true })))) as tf.Scalar, m.trainableVariables());
    for (const [name, g] of Object.entries(grads)) {
      const v = g.dataSync() as Float32Array;
      expect(v.every(Number.isFinite), name).toBe(true);
      expect(v.some((t) => t !== 0), name).toBe(true);
    }
    tf.dispose([x, ...Object.values(grads)]);
    m.dispose();
  });

  it('WRN dropout acts only in training forwards, drawn from the forward generator', () => {
    const input: InputSpec = { height: 8, width: 8, channels: 3, numClasses: 4 };
    const make = (rate: number) => {
      const def = wideResnet(`wrn10-1-${rate}`, 'narrow probe', 10, 1, rate);
      return new Model(def.name, input, new PluginHost([]), def, 7);
    };
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
    const run = (m: Model, training: boolean, seed: number) =>
      tf.tidy(() => Array.from(m.forward(x, condition({ training }), new Rng(seed)).dataSync()));
    const withDrop = make(0.3);
    expect(run(withDrop, false, 1)).toEqual(run(withDrop, false, 2));
    expect(run(withDrop, true, 1)).toEqual(run(withDrop, true, 1));
    expect(run(withDrop, true, 1)).not.toEqual(run(withDrop, true, 2));
    const noDrop = make(0);
    expect(run(noDrop, true, 1)).toEqual(run(noDrop, true, 2));
    x.dispose();
    withDrop.dispose();
    noDrop.dispose();
  });

  it('wide resnets reject depths that are not 6n + 4', () => {
    expect(() => wideResnet('wrn-15', '', 15, 2, 0)).toThrow(/wide resnet wrn-15: depth must be 6n \+ 4/);
  });

  it('the zoo registers every paper architecture by name', () => {
    expect(architectureNames()).toEqual(
      expect.arrayContaining(['resnet18', 'resnet34', 'resnet18-64', 'resnet34-64', 'resnet18-imagenet', 'wrn16-8', 'wrn40-2']),
    );
  });
});
