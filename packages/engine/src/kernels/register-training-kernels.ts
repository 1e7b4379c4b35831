import * as tf from '@tensorflow/tfjs-core';
import type { ConvAttrs } from './conv-info';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInputPolyphase } from './conv2d-backprop-input-polyphase';
import { convInfoOf } from './conv-info';
import { registerFusedConv } from './fused-conv';

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
      return conv2dBackpropFilter(x, dy, a, a.filterShape);
    },
  };
  replaceKernel(filterKernel);
  if (backendName === 'wasm') replaceKernel(sharedIdentity(backendName));
  registerFusedConv(backendName);
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

/**
 * Identity that shares the input's storage, as the cpu backend's does. tfjs clones every tensor a gradient
 * saves (and tf.clone) through Identity, and the stock wasm kernel copies the data each time. Tensors are
 * immutable, so sharing is safe; the backend's reference count frees the storage with its last user.
 */
function sharedIdentity(backendName: string): tf.KernelConfig {
  const copy = tf.getKernel(tf.Identity, backendName)?.kernelFunc;
  return {
    kernelName: tf.Identity,
    backendName,
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      const backend = args.backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void };
      if (x.dtype === 'string' || typeof backend.incRef !== 'function') {
        if (!copy) throw new Error(`Identity: the ${backendName} backend has no kernel to copy a ${x.dtype} tensor`);
        return copy(args);
      }
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}
