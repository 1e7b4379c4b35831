import * as tf from '@tensorflow/tfjs-core';
import { FUSED_CONV } from '@floatjs/engine';

/**
 * FloatFusedConv2D for `backendName`, forwarding to the backend's FusedConv2D (native or XNNPACK on wasm,
 * where bias and ReLU cost nothing extra). The engine registers its gradient, whose parts run only for
 * inputs on the differentiated path.
 */
export function registerFusedConv(backendName: string): void {
  if (!tf.getKernel('FusedConv2D', backendName) || tf.getKernel(FUSED_CONV, backendName)) return;
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
