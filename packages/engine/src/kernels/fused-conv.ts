import * as tf from '@tensorflow/tfjs-core';
import { reluGrad } from './relu';

/** The kernel name: a bias-and-activation conv whose gradient the tape computes per input, on demand. */
export const FUSED_CONV = 'FloatFusedConv2D';

export type FusedActivation = 'linear' | 'relu';

interface FusedConvAttrs {
  strides: [number, number];
  pad: number;
  activation: FusedActivation;
}

/**
 * Registers FloatFusedConv2D for `backendName`, forwarding to the backend's FusedConv2D (native or XNNPACK on
 * wasm, where bias and ReLU cost nothing extra). tfjs's own fused op computes the gradients of x, filter and
 * bias together on every backward; an attack needs only x's, so this kernel carries a registered
 * gradient whose parts run only for inputs on the differentiated path.
 */
export function registerFusedConv(backendName: string): void {
  if (!tf.getKernel('FusedConv2D', backendName)) return;
  if (!tf.getKernel(FUSED_CONV, backendName)) {
    tf.registerKernel({
      kernelName: FUSED_CONV,
      backendName,
      // Looked up per call: the native kernels may replace FusedConv2D after this registration.
      kernelFunc: (args) =>
        tf.getKernel('FusedConv2D', backendName)!.kernelFunc({
          ...args,
          attrs: { ...args.attrs, dataFormat: 'NHWC', dilations: [1, 1], leakyreluAlpha: 0 },
        }),
    });
  }
  if (!tf.getGradient(FUSED_CONV)) tf.registerGradient(fusedConvGradient);
}

/** Whether the active backend runs FloatFusedConv2D. */
export function fusedConvAvailable(): boolean {
  return tf.getKernel(FUSED_CONV, tf.getBackend()) !== undefined;
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

const fusedConvGradient: tf.GradConfig = {
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
