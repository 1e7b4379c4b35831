import * as tf from '@tensorflow/tfjs-core';
import type { ConvAttrs } from './conv-info';
import { conv2dBackpropFilterViaMatMul } from './conv2d-backprop-filter';
import { conv2dBackpropInputPolyphase } from './conv2d-backprop-input-polyphase';
import { convInfoOf } from './conv-info';

const registered = new Set<string>();

/**
 * Registers the conv gradient kernels for `backendName` (tfjs's kernel registry, by name). They are
 * composed of ops the backend already runs fast; nested ops inside a kernel are not taped, so
 * gradients still flow through tfjs's own Conv2D gradient definition.
 */
export function registerTrainingKernels(backendName: string, options: { replaceInput?: boolean } = {}): void {
  if (registered.has(backendName)) return;
  registered.add(backendName);
  const filterKernel: tf.KernelConfig = {
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
      return conv2dBackpropFilterViaMatMul(x, dy, a, a.filterShape);
    },
  };
  replaceKernel(filterKernel);
  if (options.replaceInput ?? true) {
    replaceKernel({
      kernelName: tf.Conv2DBackpropInput,
      backendName,
      kernelFunc: ({ inputs, attrs }) => {
        const { dy, filter } = inputs as unknown as { dy: tf.Tensor4D; filter: tf.Tensor4D };
        const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
        const info = convInfoOf(a.inputShape, filter.shape, a);
        // tfjs differentiates undilated convs only, and polyphase covers all of them (stride 1 is its one-phase case).
        if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('Conv2DBackpropInput: floatjs training kernels support dilation 1 only');
        return conv2dBackpropInputPolyphase(dy, filter, a, a.inputShape);
      },
    });
  }
}

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}
