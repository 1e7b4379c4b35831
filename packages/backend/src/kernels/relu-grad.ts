import type * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD } from '@floatjs/engine';
import type { NativeKernels } from '@floatjs/native-kernels';
import { floatView, withOutput } from './tensor-memory';

/** FloatReluGrad (dx = dy where y > 0, else 0) as one native pass, for the engine's relu and fused-conv gradients. */
export function reluGradKernel(backendName: string, native: NativeKernels): tf.KernelConfig {
  return {
    kernelName: RELU_GRAD,
    backendName,
    kernelFunc: ({ inputs, backend: b }) => {
      const backend = b as tf.KernelBackend;
      const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      return withOutput(backend, dy.shape, (out) => native.reluGrad(floatView(backend, dy), floatView(backend, y), out), true);
    },
  };
}
