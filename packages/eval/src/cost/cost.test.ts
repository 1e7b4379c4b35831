import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, type InputSpec, type Model, type Plugin } from '@floatjs/engine';
import { selectBackend } from '@floatjs/backend';
import { getMethod, methodNames } from '../recipes/methods';
import { filmModuleParams, filmParamsFor } from '@floatjs/conditioning-film';
import { convDelayNs, countFlops, countParams, delayKindOf, delayModel, floatConvDelayNs, layerCosts, measureLatency, modelCost, oatConvDelayNs, parameterStorage, PAPER_DELAY_CONSTANTS } from './index';

const CIFAR: InputSpec = { height: 32, width: 32, channels: 3, numClasses: 10 };
const FMNIST: InputSpec = { height: 28, width: 28, channels: 1, numClasses: 10 };

// CIFAR ResNet-34 by hand: convs, BN channels, fc.
const conv = (k: number, i: number, o: number) => k * k * i * o;
const RESNET34_CONV =
  conv(3, 3, 64) +
  6 * conv(3, 64, 64) +
  conv(3, 64, 128) + 7 * conv(3, 128, 128) + conv(1, 64, 128) +
  conv(3, 128, 256) + 11 * conv(3, 256, 256) + conv(1, 128, 256) +
  conv(3, 256, 512) + 5 * conv(3, 512, 512) + conv(1, 256, 512);
const RESNET34_BN_CHANNELS = 64 + 6 * 64 + 9 * 128 + 13 * 256 + 7 * 512;
const RESNET34_FC = 512 * 10 + 10;
const RESNET34_CONV_LAYERS = 1 + 6 + 9 + 13 + 7;
// MACs of one 32x32 image: every conv at its output size, plus the fc.
const RESNET34_MACS =
  conv(3, 3, 64) * 1024 +
  6 * conv(3, 64, 64) * 1024 +
  (conv(3, 64, 128) + 7 * conv(3, 128, 128) + conv(1, 64, 128)) * 256 +
  (conv(3, 128, 256) + 11 * conv(3, 256, 256) + conv(1, 128, 256)) * 64 +
  (conv(3, 256, 512) + 5 * conv(3, 512, 512) + conv(1, 256, 512)) * 16 +
  512 * 10;

let plain: Model;
let float: Model;

beforeAll(async () => {
  await selectBackend('cpu');
  plain = createModel('resnet34', CIFAR, getMethod('pgd-at').plugins({ lambda: 1 }), 0);
  float = createModel('resnet34', CIFAR, getMethod('float').plugins({}), 0);
});
afterAll(() => {
  plain.dispose();
  float.dispose();
});

describe('parameter counts, ResNet-34 on CIFAR-10', () => {
  it('plain (PGD-AT) ResNet-34 has 21,282,122 trainable parameters, the paper’s ~21.28 M', () => {
    expect(RESNET34_CONV + 2 * RESNET34_BN_CHANNELS + RESNET34_FC).toBe(21_282_122);
    const p = countParams(plain);
    expect(p.trainable).toBe(21_282_122);
    expect(Math.abs(p.trainable / 21.28e6 - 1)).toBeLessThan(0.001);
    expect(p.total - p.trainable).toBe(2 * RESNET34_BN_CHANNELS); // running mean and variance
    expect(p.base).toEqual({ total: p.total, trainable: p.trainable });
    expect(p.byPlugin).toEqual({ 'pgd-at-loss': { total: 0, trainable: 0 } });
    expect(plain.layers.filter((l) => l.kind === 'conv2d')).toHaveLength(RESNET34_CONV_LAYERS);
  });

  it('FLOAT adds dual BN (+17,024) and one α per conv (+36): 21,299,182, within 1% of the single-BN model', () => {
    const p = countParams(float);
    expect(p.base.trainable).toBe(21_282_122);
    expect(p.byPlugin['dual-norm']).toEqual({ trainable: 2 * RESNET34_BN_CHANNELS, total: 4 * RESNET34_BN_CHANNELS });
    expect(p.byPlugin['float-noise']).toEqual({ trainable: RESNET34_CONV_LAYERS, total: RESNET34_CONV_LAYERS });
    expect(p.byPlugin['float-loss']).toEqual({ trainable: 0, total: 0 });
    expect(p.trainable).toBe(21_299_182);
    expect(p.trainable / countParams(plain).trainable - 1).toBeLessThan(0.01);
    expect(p.byPattern.alpha.trainable).toBe(RESNET34_CONV_LAYERS);
    expect(p.byPattern.adv.total).toBe(4 * RESNET34_BN_CHANNELS);
    expect(p.byPattern.film.total).toBe(0);
  });

  it('OAT’s FiLM modules raise ResNet-34 to ~31.4 M (raw-λ input, OAT’s code) or ~33.3 M (128-d encoding)', () => {
    expect(filmModuleParams(64, { encodingDim: 1 })).toBe(1 * 128 + 128 + 128 * 128 + 128);
    const raw = filmParamsFor(plain.layers, { encodingDim: 1 });
    expect(raw).toBe(10_121_856);
    const oatRaw = countParams(plain).trainable + raw;
    expect(oatRaw).toBe(31_403_978);
    expect(Math.abs(oatRaw / 31.404e6 - 1)).toBeLessThan(0.001); // OAT's docstring: "model size: 31.4040MB"
    const enc = filmParamsFor(plain.layers, { encodingDim: 128 });
    expect(enc).toBe(12_056_320);
    // The paper's 1.47x fewer parameters for FLOAT.
    expect(oatRaw / countParams(float).trainable).toBeCloseTo(1.474, 2);
  });

  it.runIf(methodNames().includes('oat'))('a built OAT ResNet-34 carries the FiLM parameters (oat method registered)', () => {
    const m = createModel('resnet34', CIFAR, getMethod('oat').plugins({}), 0);
    try {
      const p = countParams(m);
      expect(p.base.trainable).toBe(21_282_122);
      // FiLM after every non-shortcut BN with the 128-d encoding: exactly the analytic count, plus the saved
      // 128x128 encoding matrix (not trainable); dual BN as FLOAT's.
      expect(p.byPlugin.film).toEqual({ trainable: 12_056_320, total: 12_056_320 + 128 * 128 });
      expect(p.trainable).toBe(21_282_122 + 12_056_320 + 2 * RESNET34_BN_CHANNELS);
      expect(p.byPattern.film.trainable).toBe(12_056_320);
      expect(delayKindOf(getMethod('oat'))).toBe('oat');
    } finally {
      m.dispose();
    }
  });

  it('attributes model-level, layer and norm-set variables to the plugin that asked for them', () => {
    const probe: Plugin = {
      name: 'probe',
      modelVariables: () => [{ name: 'table', shape: [4, 3], init: 0, trainable: false }],
      layerVariables: (l) => (l.kind === 'dense' ? [{ name: 'film.w', shape: [2, 5], init: 0, trainable: true }] : []),
      normalization: { segments: ['a', 'b', 'c'] },
    };
    const m = createModel('cnn-s', FMNIST, [probe], 0);
    try {
      const p = countParams(m);
      const bnCh = 32 + 64 + 128;
      expect(p.byPlugin.probe.total).toBe(12 + 10 + 2 * 4 * bnCh);
      expect(p.byPlugin.probe.trainable).toBe(10 + 2 * 2 * bnCh);
      expect(p.base.trainable).toBe(94186);
      expect(p.byPattern.film.trainable).toBe(10);
    } finally {
      m.dispose();
    }
  });
});

describe('FLOPs and storage', () => {
  it('ResNet-34 on CIFAR-10: FLOPs (= MACs) of one image within 1% of the paper’s ~1.165 G', async () => {
    const f = await countFlops(plain);
    expect(f.macs).toBe(RESNET34_MACS);
    expect(f.flops).toBe(f.macs);
    expect(f.flopsMulAdd).toBe(2 * f.macs);
    expect(Math.abs(f.flops / 1.165e9 - 1)).toBeLessThan(0.01);
    const layers = await layerCosts(float);
    expect(layers.filter((l) => l.kind === 'conv2d')).toHaveLength(RESNET34_CONV_LAYERS);
    expect(layers.find((l) => l.name === 'stem.conv')).toMatchObject({ outHeight: 32, outWidth: 32, macs: 27 * 64 * 1024 });
    expect(layers.find((l) => l.name === 'layer4.0.shortcut.conv')).toMatchObject({ k: 1, outHeight: 4, outWidth: 4, role: 'shortcut' });
    expect(layers.at(-1)).toMatchObject({ name: 'fc', kind: 'dense', macs: 5120 });
  });

  it('cnn-s on 28x28: hand-counted MACs (strides 1, 2, 2 with padding 1)', async () => {
    const m = createModel('cnn-s', FMNIST, [], 0);
    try {
      const f = await countFlops(m);
      expect(f.layers.map((l) => [l.outHeight, l.outWidth])).toEqual([[28, 28], [14, 14], [7, 7], [1, 1]]);
      expect(f.macs).toBe(9 * 32 * 784 + 9 * 32 * 64 * 196 + 9 * 64 * 128 * 49 + 1280);
    } finally {
      m.dispose();
    }
  });

  it('stores 8-bit weights: every trainable parameter, and without BN and α as in Fig. 7b', () => {
    expect(parameterStorage(plain)).toEqual({ bitsPerWeight: 8, bytes: 21_282_122, bytesWithoutNormAndScalars: 21_282_122 - 2 * RESNET34_BN_CHANNELS });
    const s = parameterStorage(float);
    expect(s.bytes).toBe(21_299_182);
    expect(s.bytesWithoutNormAndScalars).toBe(21_282_122 - 2 * RESNET34_BN_CHANNELS);
    expect(parameterStorage(plain, 32).bytes).toBe(4 * 21_282_122);
  });
});

describe('delay model (Eqs. 7-9)', () => {
  it('uses the paper’s constants', () => {
    expect(PAPER_DELAY_CONSTANTS).toEqual({ bIO: 16, bW: 8, nBank: 4, nMult: 175, tauReadNs: 9, tauMultNs: 4 });
  });

  it('matches hand-computed values for one layer (3x3, 64→64, 32x32 output)', () => {
    const l = { k: 3, inChannels: 64, outChannels: 64, outHeight: 32, outWidth: 32 };
    // k²CiCo = 36864; reads ⌈36864/(2·4)⌉ = 4608 → 41,472 ns; mults ⌈36864/175⌉ = 211.
    expect(convDelayNs(l)).toBe(4608 * 9 + 211 * 1024 * 4); // 905,728
    expect(floatConvDelayNs(l)).toBe(4608 * 9 + 211 * 1025 * 4); // 906,572
    // FiLM: 2·64 + 4·64² = 16,512 more words read, ⌈16512/175⌉ = 95 more multiplies.
    expect(oatConvDelayNs(l)).toBe(Math.ceil((36864 + 16512) / 8) * 9 + 211 * 1024 * 4 + 95 * 4); // 924,684
    expect([convDelayNs(l), floatConvDelayNs(l), oatConvDelayNs(l)]).toEqual([905_728, 906_572, 924_684]);
  });

  it('matches hand-computed values for a deep layer (3x3, 512→512, 4x4 output)', () => {
    const l = { k: 3, inChannels: 512, outChannels: 512, outHeight: 4, outWidth: 4 };
    expect(convDelayNs(l)).toBe(294_912 * 9 + 13_482 * 16 * 4);
    expect(floatConvDelayNs(l)).toBe(294_912 * 9 + 13_482 * 17 * 4);
    expect(oatConvDelayNs(l)).toBe(426_112 * 9 + 13_482 * 16 * 4 + 5998 * 4);
  });

  it('over ResNet-34: FLOAT ≥ plain, OAT > FLOAT; shortcuts carry no FiLM', async () => {
    const d = delayModel(await layerCosts(plain));
    expect(d.layers).toHaveLength(RESNET34_CONV_LAYERS);
    expect(d.layers.filter((l) => !l.filmed).map((l) => l.name)).toEqual(['layer2.0.shortcut.conv', 'layer3.0.shortcut.conv', 'layer4.0.shortcut.conv']);
    expect(d.totalNs.float).toBeGreaterThan(d.totalNs.conv);
    expect(d.totalNs.oat).toBeGreaterThan(d.totalNs.float);
    expect(d.normalized.float.min).toBeGreaterThanOrEqual(1);
    expect(d.normalized.oat.max).toBeGreaterThan(d.normalized.float.max);
    // The paper's "conditional CONV layer delay of FLOAT can be up to 1.66x faster compared to that of OAT":
    // layer4.0.conv1 (3x3, 256→512, 4x4 output) gives 2,963,320 / 1,785,492 ns.
    expect(d.oatOverFloat.max).toBeCloseTo(2_963_320 / 1_785_492, 10);
    expect(d.oatOverFloat.max).toBeCloseTo(1.66, 2);
    expect(delayKindOf(getMethod('float'))).toBe('float');
    expect(delayKindOf(getMethod('oat'))).toBe('oat');
    expect(delayKindOf(getMethod('pgd-at'))).toBe('conv');
    const c = await modelCost(float, getMethod('float'));
    expect(c.delayKind).toBe('float');
    expect(c.delayNs).toBe(d.totalNs.float);
  });
});

describe('latency', () => {
  it('times every target round-robin and reports medians in ms', () => {
    const m = createModel('cnn-s', FMNIST, [], 0);
    const before = tf.memory().numTensors;
    try {
      const r = measureLatency([{ label: 'a', model: m, cond: {} }, { label: 'b', model: m, cond: {} }], { batch: 4, reps: 3, warmup: 1 });
      expect(r.map((x) => x.label)).toEqual(['a', 'b']);
      for (const x of r) {
        expect(x.samplesMs).toHaveLength(3);
        expect(x.medianMs).toBeGreaterThan(0);
        expect(x.minMs).toBeLessThanOrEqual(x.medianMs);
        expect(x.maxMs).toBeGreaterThanOrEqual(x.medianMs);
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      m.dispose();
    }
  });
});
