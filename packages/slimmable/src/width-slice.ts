import * as tf from '@tensorflow/tfjs-core';
import { WEIGHT_PHASE, type LayerInfo, type Plugin } from '@floatjs/engine';
import { channelsAt, checkWidth } from './width';

/**
 * After every other weight transform: FLOAT's noise (order 0) and the pruning masks (±100) see the full
 * kernel, so σ_W is the std of the whole tensor, as in FLOAT's `noise_SlimmableConv2d` (noise first, then
 * the slice `W_noisy[:out_k, :in_k]`).
 */
export const WIDTH_SLICE_ORDER = WEIGHT_PHASE.reshape;

type Shaped = Pick<LayerInfo, 'name' | 'kind' | 'role' | 'shape'>;

/**
 * The shape a layer's kernel (norm: its channel vector) has at width w: the first ⌊w·C⌋ channels of every
 * channel axis, except the image channels entering the stem and the classes leaving the classifier.
 * conv `[kh, kw, in, out]`, dense `[in, out]`, norm `[C]`.
 */
export function narrowShape(layer: Shaped, width: number): number[] {
  const k = (c: number) => channelsAt(c, width);
  const s = layer.shape;
  if (layer.kind === 'conv2d') return [s[0], s[1], layer.role === 'stem' ? s[2] : k(s[2]), k(s[3])];
  if (layer.kind === 'dense') return [k(s[0]), layer.role === 'classifier' ? s[1] : k(s[1])];
  return [k(s[0])];
}

function isFull(width: number): boolean {
  return Math.abs(width - 1) < 1e-9;
}

/**
 * Weight transform that slices each conv/dense kernel to `cond.width` (see `narrowShape`); at width 1 it
 * returns the kernel untouched. The slice's gradient reaches the full kernel (zero outside the slice).
 */
export function widthSlice(): Plugin {
  return {
    name: 'width-slice',
    options: {},
    weightTransform: {
      order: WIDTH_SLICE_ORDER,
      apply(weight, layer, { cond }) {
        const width = cond.width;
        if (isFull(width)) return weight;
        checkWidth(width, `width-slice (${layer.name})`);
        if (weight.shape.join(',') !== layer.shape.join(',')) {
          throw new Error(`width-slice: ${layer.name} reached the slice with shape [${weight.shape}], expected the full [${layer.shape}]`);
        }
        const size = narrowShape(layer, width);
        return tf.slice(weight, size.map(() => 0), size);
      },
    },
  };
}
