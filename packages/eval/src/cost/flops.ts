import * as tf from '@tensorflow/tfjs-core';
import { condition, createModel, FUSED_CONV, FUSED_CONV_ADD, type InputSpec, type LayerInfo, type Model, type Plugin } from '@floatjs/engine';
// Registers the paper's architectures (resnet34, wrn16-8, ...) in the engine's zoo by name.
import '@floatjs/models';

/** One conv or dense layer with the sizes the cost models need (batch 1). */
export interface LayerCost {
  name: string;
  kind: 'conv2d' | 'dense';
  role: LayerInfo['role'];
  /** Kernel size k (1 for dense). */
  k: number;
  inChannels: number;
  outChannels: number;
  /** Output spatial size (1 × 1 for dense). */
  outHeight: number;
  outWidth: number;
  /** Multiply-accumulates of one forward of one image: k²·C_i·C_o·H_o·W_o (conv) or C_i·C_o (dense). */
  macs: number;
}

export interface FlopCount {
  /**
   * FLOPs per forward of one image in the paper's convention, which is the MAC count of the conv and
   * dense layers (thop's convention, used by OAT's and FLOAT's code: CIFAR ResNet-34 "1.1635 GFLOPS"
   * is its MAC count, the paper's "~1.165 GFLOPs"). Norm layers, activations, pooling and additions
   * are not counted; neither are FLOAT's weight additions (≈ 1 per weight, which the paper neglects).
   */
  flops: number;
  macs: number;
  /** The other common convention: one multiply and one add per MAC. */
  flopsMulAdd: number;
  layers: LayerCost[];
}

const shapeCache = new Map<string, LayerCost[]>();

/**
 * Per-layer output sizes and MACs of a model's architecture, from one recorded forward of a zero image
 * (batch 1, inference mode) through a plugin-free copy of the architecture: the conv kernels the forward
 * runs (Conv2D, or the fused conv + norm) are matched, in order, with the conv layers the forward asked for
 * their kernels. Results are cached per (architecture, input).
 */
export async function layerCosts(model: Pick<Model, 'architecture' | 'input'>): Promise<LayerCost[]> {
  return architectureLayerCosts(model.architecture, model.input);
}

export async function architectureLayerCosts(architecture: string, input: InputSpec): Promise<LayerCost[]> {
  const key = `${architecture}|${input.height}x${input.width}x${input.channels}|${input.numClasses}`;
  const cached = shapeCache.get(key);
  if (cached) return cached;
  const order: LayerInfo[] = [];
  const probe: Plugin = {
    name: 'shape-probe',
    weightTransform: {
      apply(weight, layer) {
        order.push(layer);
        return weight;
      },
    },
  };
  const m = createModel(architecture, input, [probe], 0);
  const x = tf.zeros([1, input.height, input.width, input.channels]) as tf.Tensor4D;
  let info: Awaited<ReturnType<typeof tf.profile>>;
  try {
    info = await tf.profile(() => tf.tidy(() => m.forward(x, condition())));
  } finally {
    x.dispose();
    m.dispose();
  }
  tf.dispose(info.result as tf.Tensor);
  // Inference forwards fold conv + norm into one fused kernel where the backend has it (with the shortcut
  // add for a residual block's last conv).
  const convNames = ['Conv2D', FUSED_CONV, FUSED_CONV_ADD];
  const convKernels = info.kernels.filter((k) => convNames.includes(k.name));
  const convLayers = order.filter((l) => l.kind === 'conv2d');
  if (convKernels.length !== convLayers.length) {
    throw new Error(`layerCosts(${architecture}): the forward ran ${convKernels.length} conv kernels (${convNames.join(', ')}) for ${convLayers.length} conv layers`);
  }
  // Layers come in the order their weights were drawn, kernels in the order they ran: a block's last conv
  // draws its weight before its shortcut conv runs, but runs after it. Each layer takes the first unused
  // kernel with its filter shape (a block's conv2 and shortcut always differ in shape).
  const used = new Set<number>();
  const out: LayerCost[] = [];
  for (const l of order) {
    if (l.kind === 'conv2d') {
      const [kh, kw, cIn, cOut] = l.shape;
      const ki = convKernels.findIndex((k, i) => !used.has(i) && k.inputShapes[1]?.join(',') === l.shape.join(','));
      if (ki < 0) {
        throw new Error(`layerCosts(${architecture}): conv ${l.name} has kernel [${l.shape}] but no conv kernel of the forward ran with that filter`);
      }
      used.add(ki);
      const kern = convKernels[ki];
      const [, oh, ow] = kern.outputShapes[0];
      out.push({ name: l.name, kind: 'conv2d', role: l.role, k: kh, inChannels: cIn, outChannels: cOut, outHeight: oh, outWidth: ow, macs: kh * kw * cIn * cOut * oh * ow });
    } else if (l.kind === 'dense') {
      const [cIn, cOut] = l.shape;
      out.push({ name: l.name, kind: 'dense', role: l.role, k: 1, inChannels: cIn, outChannels: cOut, outHeight: 1, outWidth: 1, macs: cIn * cOut });
    }
  }
  shapeCache.set(key, out);
  return out;
}

/** FLOPs (= MACs, the paper's convention) and MACs of one forward of one image. */
export async function countFlops(model: Pick<Model, 'architecture' | 'input'>): Promise<FlopCount> {
  const layers = await layerCosts(model);
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  return { flops: macs, macs, flopsMulAdd: 2 * macs, layers };
}
