import * as tf from '@tensorflow/tfjs-core';
import { FUSED_CONV, hasKernel } from './kernel-names';
import { reluGrad } from './relu';

/** The activations FloatFusedConv2D fuses. */
export type FusedActivation = 'linear' | 'relu';

/** FloatFusedConv2D's attributes (a backend forwards them to its FusedConv2D). */
export interface FusedConvAttrs {
  strides: [number, number];
  pad: number;
  activation: FusedActivation;
}

/** Whether the active backend runs FloatFusedConv2D. */
export function fusedConvAvailable(): boolean {
  return hasKernel(FUSED_CONV);
}

/** act(conv(x, filter) + bias) with symmetric integer padding, taped as one node. */
export function fusedConv(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number,
  pad: number,
  activation: FusedActivation,
): tf.Tensor4D {
  const attrs: FusedConvAttrs = { strides: [stride, stride], pad, activation };
  return tf.engine().runKernel(FUSED_CONV, { x, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * The gradient of FloatFusedConv2D (registered by the engine; kernels come from the backend). tfjs's own
 * fused op computes the gradients of x, filter and bias together on every backward; an attack needs only
 * x's, so each part here runs only for an input on the differentiated path.
 */
export const fusedConvGradient: tf.GradConfig = {
  kernelName: FUSED_CONV,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, activation } = attrs as unknown as FusedConvAttrs;
    const g = dy as tf.Tensor4D;
    // ReLU passes the gradient where its output is positive (equivalently, where its input is).
    const dyAct = () => (activation === 'relu' ? reluGrad(g, y) : g);
    const conv = { strides, pad, dataFormat: 'NHWC' } as const;
    return {
      x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyAct(), filter }, { ...conv, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      filter: () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dyAct() }, { ...conv, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
      bias: () => tf.sum(dyAct(), [0, 1, 2]),
    };
  },
};
