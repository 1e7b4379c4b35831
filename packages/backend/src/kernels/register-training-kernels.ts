import * as tf from '@tensorflow/tfjs-core';
import type { NativeKernels } from '@floatjs/native-kernels';
import type { ConvAttrs } from './conv-info';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInputPolyphase } from './conv2d-backprop-input-polyphase';
import { convInfoOf } from './conv-info';
import { FUSED_CONV_ADD, RELU_GRAD, SEEDED_NORMAL } from '@floatjs/engine';
import { batchNormTrainKernels } from './batch-norm-train';
import { foldNormKernel } from './fold-norm';
import { linfStepKernel } from './linf-step';
import { sgdStepKernel } from './sgd-step';
import { registerFusedConv } from './fused-conv';
import { registerNativeConvKernels } from './native-conv';
import { NATIVE_ELEMENTWISE_KERNELS, registerNativeElementwiseKernels } from './native-elementwise';
import { nativeMeanKernel } from './native-mean';
import { setNativeKernels } from './native-registry';
import { reluGradKernel } from './relu-grad';
import { seededNormalKernel } from './seeded-normal';
import { replaceKernel, restoreStockKernel, stockKernel } from './stock-kernels';

export interface TrainingKernelOptions {
  /** Replace the backend's Conv2DBackpropInput with the polyphase one (JS kernels only; default true). */
  replaceInput?: boolean;
  /** Convolutions from @floatjs/native-kernels instead of the JS/wasm compositions below. */
  native?: NativeKernels;
}

const registered = new Map<string, NativeKernels | 'js'>();

/**
 * Registers the training kernels for `backendName` (tfjs's kernel registry, by name): the engine's custom
 * kernels (fused conv, training batch norm; with native kernels also the ReLU gradient and the seeded
 * normal fill) and either the native convolutions (forward, fused forward, both gradients) or the conv
 * gradients composed of ops the backend already runs fast. Nested ops inside a kernel are not taped, so
 * gradients still flow through tfjs's own Conv2D gradient definition. Calling it again with other options
 * switches between the two.
 */
export function registerTrainingKernels(backendName: string, options: TrainingKernelOptions = {}): void {
  const mode = options.native ?? 'js';
  if (registered.get(backendName) === mode) return;
  registered.set(backendName, mode);
  setNativeKernels(backendName, options.native);
  if (options.native) {
    registerNativeConvKernels(backendName, options.native);
    if (backendName === 'cpu') registerNativeElementwiseKernels(backendName, options.native);
    if (backendName === 'wasm') replaceKernel(nativeMeanKernel(backendName, options.native));
    replaceKernel(reluGradKernel(backendName, options.native));
    replaceKernel(seededNormalKernel(backendName, options.native));
  } else {
    // FloatFusedConv2DAdd has no stock kernel: without it the engine composes fusedConv, add and relu.
    for (const name of [tf.Conv2D, 'FusedConv2D', FUSED_CONV_ADD, tf.Conv2DBackpropInput]) restoreStockKernel(name, backendName);
    if (backendName === 'cpu') for (const name of NATIVE_ELEMENTWISE_KERNELS) restoreStockKernel(name, backendName);
    if (backendName === 'wasm') restoreStockKernel(tf.Mean, backendName);
    // Without native kernels these two are the engine's stock-op versions.
    for (const name of [RELU_GRAD, SEEDED_NORMAL]) restoreStockKernel(name, backendName);
    registerJsConvGradients(backendName, options.replaceInput ?? true);
  }
  for (const config of batchNormTrainKernels(backendName, options.native)) replaceKernel(config);
  replaceKernel(foldNormKernel(backendName));
  replaceKernel(sgdStepKernel(backendName));
  replaceKernel(linfStepKernel(backendName, options.native));
  if (backendName === 'wasm') replaceKernel(sharedIdentity(backendName));
  registerFusedConv(backendName);
}

function registerJsConvGradients(backendName: string, replaceInput: boolean): void {
  replaceKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs as unknown as { x: tf.Tensor4D; dy: tf.Tensor4D };
      const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
      return conv2dBackpropFilter(x, dy, a, a.filterShape);
    },
  });
  if (!replaceInput) return;
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

/**
 * Identity that shares the input's storage, as the cpu backend's does. tfjs clones every tensor a gradient
 * saves (and tf.clone) through Identity, and the stock wasm kernel copies the data each time. Tensors are
 * immutable, so sharing is safe; the backend's reference count frees the storage with its last user.
 */
function sharedIdentity(backendName: string): tf.KernelConfig {
  const copy = stockKernel(tf.Identity, backendName)?.kernelFunc;
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
