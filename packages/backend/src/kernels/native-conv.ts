import * as tf from '@tensorflow/tfjs-core';
// Types only: the package is an optional dependency, loaded at run time by selectBackend.
import type { NativeKernels } from '@floatjs/native-kernels';
import { FUSED_CONV_ADD, type FusedConvAttrs } from '@floatjs/engine';
import { convInfoOf, type ConvAttrs } from './conv-info';
import { nativeKernel } from './native-kernel-config';
import { replaceKernel } from './stock-kernels';
import { floatView } from './tensor-memory';

type FusedAttrs = ConvAttrs & { activation?: string; leakyreluAlpha?: number };
type Shape4 = [number, number, number, number];

/**
 * Registers the native convolution kernels of @floatjs/native-kernels for `backendName` (wasm or cpu):
 * Conv2D, FusedConv2D (linear or ReLU, per-channel bias), the engine's FloatFusedConv2DAdd (the same with a
 * residual added before the activation), Conv2DBackpropInput and Conv2DBackpropFilter.
 * They read and write the backend's own storage (the wasm heap, or the cpu backend's arrays) in place.
 * Cases they do not cover (NCHW, dilated input gradients, other fused activations, broadcast biases)
 * go to the backend's stock kernel.
 */
export function registerNativeConvKernels(backendName: string, native: NativeKernels): void {
  replaceKernel(
    nativeKernel(tf.Conv2D, backendName, ({ inputs, attrs }) => {
      const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs;
      if (!nativeLayout(a)) return null;
      const info = convInfoOf(x.shape, filter.shape, a);
      return { shape: info.outShape, run: (b, y) => native.conv2d(floatView(b, x), floatView(b, filter), null, y, geometry(info), 0) };
    }),
  );
  replaceKernel(
    nativeKernel('FusedConv2D', backendName, ({ inputs, attrs }) => {
      const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
      const a = attrs as unknown as FusedAttrs;
      const activation = a.activation ?? 'linear';
      const simpleBias = !bias || (bias.shape.length === 1 && bias.shape[0] === filter!.shape[3]);
      if (!nativeLayout(a) || preluActivationWeights || !simpleBias || (activation !== 'linear' && activation !== 'relu')) return null;
      const info = convInfoOf(x!.shape, filter!.shape, a);
      const act = activation === 'relu' ? 1 : 0;
      return { shape: info.outShape, run: (b, y) => native.conv2d(floatView(b, x!), floatView(b, filter!), bias ? floatView(b, bias) : null, y, geometry(info), act) };
    }),
  );
  replaceKernel(
    nativeKernel(FUSED_CONV_ADD, backendName, ({ inputs, attrs }) => {
      const { x, filter, bias, residual } = inputs as Record<string, tf.TensorInfo>;
      const a = attrs as unknown as FusedConvAttrs;
      const info = convInfoOf(x.shape, filter.shape, { strides: a.strides, pad: a.pad, dataFormat: 'NHWC' });
      if (residual.shape.join() !== info.outShape.join()) throw new Error(`${FUSED_CONV_ADD}: residual has shape [${residual.shape}], expected the output's [${info.outShape}]`);
      const act = a.activation === 'relu' ? 1 : 0;
      return { shape: info.outShape, run: (b, y) => native.conv2d(floatView(b, x), floatView(b, filter), floatView(b, bias), y, geometry(info), act, floatView(b, residual)) };
    }),
  );
  replaceKernel(
    nativeKernel(tf.Conv2DBackpropInput, backendName, ({ inputs, attrs }) => {
      const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
      if (!nativeLayout(a)) return null;
      const info = convInfoOf(a.inputShape, filter.shape, a);
      if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
      return { shape: a.inputShape, run: (b, dx) => native.conv2dBackpropInput(floatView(b, dy), floatView(b, filter), dx, geometry(info)) };
    }),
  );
  replaceKernel(
    nativeKernel(tf.Conv2DBackpropFilter, backendName, ({ inputs, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
      if (!nativeLayout(a)) return null;
      const info = convInfoOf(x.shape, a.filterShape, a);
      return { shape: a.filterShape, run: (b, dw) => native.conv2dBackpropFilter(floatView(b, x), floatView(b, dy), dw, geometry(info)) };
    }),
  );
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
