import * as tf from '@tensorflow/tfjs-core';
import { cifarResnet, meanCrossEntropy, type Adversary, type Batch, type BatchSource, type InputSpec, type LayerInfo, type Plugin, Rng } from '@floatjs/engine';

/** 8×8×2 inputs, 3 classes: the stem keeps its 2 input channels at every width, the classifier its 3 outputs. */
export const SPEC: InputSpec = { height: 8, width: 8, channels: 2, numClasses: 3 };

/** A two-stage ResNet (4 and 8 channels, one block each, a projection shortcut in stage 2). */
export const tinyResnet = cifarResnet('tiny-resnet', 'test ResNet: 4/8 channels, 1+1 basic blocks', [4, 8], [1, 1]);

/** Plain dual BN (what FLOAT's and OAT's dual norms do): sets `clean`/`adv` chosen by `cond.norm`. */
export function fakeDual(): Plugin {
  return { name: 'fake-dual', normalization: { segments: ['clean', 'adv'], select: (_l, c) => c.norm } };
}

export interface Seen {
  layer: string;
  shape: number[];
  width: number;
  /** Population std of the tensor the transform received. */
  std: number;
}

/**
 * A deterministic stand-in for FLOAT's noise at the same order (0): W + λn·α·std(W), α a per-conv scalar
 * layer variable `alpha` (init 0.25). With η ≡ 1 the slice of the wide result and the narrow model's result
 * can be compared exactly.
 */
export function fakeNoise(seen: Seen[] = []): Plugin {
  return {
    name: 'fake-noise',
    layerVariables: (layer) => (layer.kind === 'conv2d' ? [{ name: 'alpha', shape: [], init: 0.25, trainable: true }] : []),
    weightTransform: {
      order: 0,
      apply(w, layer, { cond }) {
        const s = stdOf(w);
        seen.push({ layer: layer.name, shape: [...w.shape], width: cond.width, std: s });
        if (layer.kind !== 'conv2d' || cond.lambdaN === 0) return w;
        return tf.add(w, tf.mul(layer.extras.alpha, cond.lambdaN * s));
      },
    },
  };
}

/** A fixed mask (every third weight off) at a pruning order (±100), recording what it receives. */
export function fakeMask(order: number, seen: Seen[] = []): Plugin {
  return {
    name: `fake-mask${order}`,
    weightTransform: {
      order,
      apply(w, layer, { cond }) {
        seen.push({ layer: layer.name, shape: [...w.shape], width: cond.width, std: stdOf(w) });
        if (layer.kind !== 'conv2d') return w;
        return tf.mul(w, maskPattern(w.shape));
      },
    },
  };
}

export function maskPattern(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0 : 1)), shape);
}

/** Records the kernel each layer finally uses (runs after every other transform, the slice included). */
export function spy(seen: Array<Seen & { values: Float32Array }>): Plugin {
  return {
    name: 'spy',
    weightTransform: {
      order: 1e6,
      apply(w, layer: LayerInfo, { cond }) {
        seen.push({ layer: layer.name, shape: [...w.shape], width: cond.width, std: stdOf(w), values: Float32Array.from(w.dataSync() as Float32Array) });
        return w;
      },
    },
  };
}

function stdOf(w: tf.Tensor): number {
  const t = tf.tidy(() => tf.sqrt(tf.moments(w).variance));
  const s = t.dataSync()[0];
  t.dispose();
  return s;
}

/** One-step FGSM against the logits function it is given (the attacked condition, width included). */
export const fgsm: Adversary = (f, x, y) =>
  tf.tidy(() => {
    const g = tf.grad((xi: tf.Tensor) => meanCrossEntropy(f(xi as tf.Tensor4D), y))(x);
    return tf.clipByValue(tf.add(x, tf.mul(tf.sign(g), 0.03)), 0, 1) as tf.Tensor4D;
  });

/** `batches` fixed batches of uniform random images with cycling labels, the same every epoch. */
export function source(batches: number, spec: InputSpec = SPEC, batch = 6, seed = 7): BatchSource {
  const rng = new Rng(seed);
  const list: Batch[] = Array.from({ length: batches }, () => ({
    x: Float32Array.from({ length: batch * spec.height * spec.width * spec.channels }, () => rng.nextFloat()),
    y: Int32Array.from({ length: batch }, (_, i) => i % spec.numClasses),
    size: batch,
  }));
  return { batchesPerEpoch: batches, batches: () => list };
}

/** Fills every running mean/variance with seeded values so inference BN is not near the identity. */
export function randomiseNormStats(vars: ReadonlyMap<string, tf.Variable>, seed: number): void {
  const rng = new Rng(seed);
  for (const [name, v] of vars) {
    const isMean = name.endsWith('.movingMean');
    const isVar = name.endsWith('.movingVariance');
    const isAffine = name.endsWith('.gamma') || name.endsWith('.beta');
    if (!isMean && !isVar && !isAffine) continue;
    const data = Float32Array.from({ length: v.size }, () => {
      const u = rng.nextFloat();
      return isVar ? 0.5 + u : isMean ? u - 0.5 : name.endsWith('.gamma') ? 0.5 + u : u - 0.5;
    });
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
}
