import * as tf from '@tensorflow/tfjs-core';
import { FUSED_CONV, FUSED_CONV_ADD, hasKernel } from './kernel-names';
import { relu, reluGrad } from './relu';

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
 * act(conv(x, filter) + bias + residual), residual shaped like the output: a residual block's last conv, its
 * shortcut add and ReLU as one node (FloatFusedConv2DAdd where the backend registers it: one pass over the
 * output instead of three). Elsewhere the same function from fusedConv, add and relu, rounded the same way.
 */
export function fusedConvAdd(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  residual: tf.Tensor4D,
  stride: number,
  pad: number,
  activation: FusedActivation,
): tf.Tensor4D {
  if (!hasKernel(FUSED_CONV_ADD)) {
    return tf.tidy(() => {
      const sum = tf.add(fusedConv(x, filter, bias, stride, pad, 'linear'), residual) as tf.Tensor4D;
      return activation === 'relu' ? relu(sum) : sum;
    });
  }
  const attrs: FusedConvAttrs = { strides: [stride, stride], pad, activation };
  return tf.engine().runKernel(FUSED_CONV_ADD, { x, filter, bias, residual }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/**
 * The gradients of both fused convs (registered by the engine; kernels come from the backend). tfjs's own
 * fused op computes the gradients of x, filter and bias together on every backward; an attack needs only
 * x's, so each part here runs only for an input on the differentiated path, and the activation's gradient
 * is computed once for all of them.
 */
function fusedConvGradFunc(dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) {
  const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const { strides, pad, activation } = attrs as unknown as FusedConvAttrs;
  const g = dy as tf.Tensor4D;
  // ReLU passes the gradient where its output is positive (equivalently, where its input is). Computed here,
  // once: tfjs runs each closure below in a tidy of its own, which would dispose a tensor one of them made.
  // Every input of a node on the differentiated path needs it.
  const gAct = activation === 'relu' ? reluGrad(g, y) : g;
  const conv = { strides, pad, dataFormat: 'NHWC' } as const;
  return {
    x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: gAct, filter }, { ...conv, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    filter: () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: gAct }, { ...conv, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
    bias: () => tf.sum(gAct, [0, 1, 2]),
    // The residual adds straight into the sum before the activation.
    residual: () => tf.clone(gAct),
  };
}

export const fusedConvGradient: tf.GradConfig = { kernelName: FUSED_CONV, inputsToSave: ['x', 'filter'], outputsToSave: [true], gradFunc: fusedConvGradFunc };
export const fusedConvAddGradient: tf.GradConfig = { kernelName: FUSED_CONV_ADD, inputsToSave: ['x', 'filter'], outputsToSave: [true], gradFunc: fusedConvGradFunc };
