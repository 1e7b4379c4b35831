import * as tf from '@tensorflow/tfjs-core';
// Types only: the package is an optional dependency, loaded at run time by selectBackend.
import type { NativeKernels } from '@floatjs/native-kernels';
import { convInfoOf, type ConvAttrs } from './conv-info';
import { replaceKernel, stockKernel } from './stock-kernels';
import { floatView, withOutput } from './tensor-memory';

type FusedAttrs = ConvAttrs & { activation?: string; leakyreluAlpha?: number };

/**
 * Registers the native convolution kernels of @floatjs/native-kernels for `backendName` (wasm or cpu):
 * Conv2D, FusedConv2D (linear or ReLU, per-channel bias), Conv2DBackpropInput and Conv2DBackpropFilter.
 * They read and write the backend's own storage (the wasm heap, or the cpu backend's arrays) in place.
 * Cases they do not cover (NCHW, dilated input gradients, other fused activations, broadcast biases)
 * go to the backend's stock kernel.
 */
export function registerNativeConvKernels(backendName: string, native: NativeKernels): void {
  const fallback = (name: string): tf.KernelFunc => {
    const k = stockKernel(name, backendName);
    return k ? k.kernelFunc : () => { throw new Error(`${name}: not supported by the native kernels, and the ${backendName} backend has no kernel of its own`); };
  };
  const conv2d = fallback(tf.Conv2D);
  replaceKernel({
    kernelName: tf.Conv2D,
    backendName,
    kernelFunc: (args) => {
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const attrs = args.attrs as unknown as ConvAttrs;
      if (!nativeLayout(attrs)) return conv2d(args);
      const info = convInfoOf(x.shape, filter.shape, attrs);
      const b = args.backend as tf.KernelBackend;
      return withOutput(b, info.outShape, (y) => native.conv2d(floatView(b, x), floatView(b, filter), null, y, geometry(info), 0), true);
    },
  });
  const fused = fallback('FusedConv2D');
  replaceKernel({
    kernelName: 'FusedConv2D',
    backendName,
    kernelFunc: (args) => {
      const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
      const attrs = args.attrs as unknown as FusedAttrs;
      const activation = attrs.activation ?? 'linear';
      const co = filter!.shape[3];
      const simpleBias = !bias || (bias.shape.length === 1 && bias.shape[0] === co);
      if (!nativeLayout(attrs) || preluActivationWeights || !simpleBias || (activation !== 'linear' && activation !== 'relu')) return fused(args);
      const info = convInfoOf(x!.shape, filter!.shape, attrs);
      const b = args.backend as tf.KernelBackend;
      return withOutput(b, info.outShape, (y) =>
        native.conv2d(floatView(b, x!), floatView(b, filter!), bias ? floatView(b, bias) : null, y, geometry(info), activation === 'relu' ? 1 : 0), true);
    },
  });
  const backpropInput = fallback(tf.Conv2DBackpropInput);
  replaceKernel({
    kernelName: tf.Conv2DBackpropInput,
    backendName,
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
      if (!nativeLayout(attrs)) return backpropInput(args);
      const info = convInfoOf(attrs.inputShape, filter.shape, attrs);
      if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return backpropInput(args);
      const b = args.backend as tf.KernelBackend;
      return withOutput(b, attrs.inputShape, (dx) => native.conv2dBackpropInput(floatView(b, dy), floatView(b, filter), dx, geometry(info)), true);
    },
  });
  const backpropFilter = fallback(tf.Conv2DBackpropFilter);
  replaceKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName,
    kernelFunc: (args) => {
      const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
      if (!nativeLayout(attrs)) return backpropFilter(args);
      const info = convInfoOf(x.shape, attrs.filterShape, attrs);
      const b = args.backend as tf.KernelBackend;
      return withOutput(b, attrs.filterShape, (dw) => native.conv2dBackpropFilter(floatView(b, x), floatView(b, dy), dw, geometry(info)), true);
    },
  });
}

function nativeLayout(attrs: ConvAttrs): boolean {
  return (attrs.dataFormat ?? 'NHWC') === 'NHWC';
}

/** The addon's geometry fields, in the order of its ConvGeometry. */
function geometry(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left,
  );
}
