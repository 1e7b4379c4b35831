import * as tf from '@tensorflow/tfjs-core';

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}
interface CpuLike {
  data: { get(dataId: tf.DataId): { values: tf.TypedArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

/**
 * Float32 storage of the wasm and cpu backends, without copies. Kernels written in JS read inputs and
 * write outputs in place. On wasm, any allocation may grow (and detach) the heap, so views are only
 * valid inside the callback of `withOutput` and must not be kept.
 */
export function floatView(backend: tf.KernelBackend, t: tf.TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${t.dtype}`);
  if (isWasm(backend)) return backend.typedArrayFromHeap(t) as Float32Array;
  if (isCpu(backend)) return asFloat32(backend.data.get(t.dataId).values);
  return asFloat32(backend.readSync(t.dataId) as tf.TypedArray);
}

/**
 * The cpu backend's Cast from bool or int32 to float32 shares the input's storage (nothing is lost), so a
 * float32 tensor may hold a Uint8Array or Int32Array: such an input is converted (a copy; inputs are only read).
 */
function asFloat32(values: tf.TypedArray): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/**
 * Allocates a float32 output, lets `fill` write it, and returns it. The output starts zeroed unless the
 * caller promises to write every element (`covers`): zeroing a shared wasm heap from JS costs about as
 * much as a SIMD kernel's whole pass.
 */
export function withOutput(backend: tf.KernelBackend, shape: number[], fill: (out: Float32Array) => void, covers = false): tf.TensorInfo {
  if (isWasm(backend)) {
    const info = backend.makeOutput(shape, 'float32');
    const out = backend.typedArrayFromHeap(info) as Float32Array;
    if (!covers) out.fill(0);
    fill(out);
    return info;
  }
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(out);
  if (isCpu(backend)) return backend.makeTensorInfo(shape, 'float32', out);
  return tf.tensor(out, shape);
}

/** As `withOutput`, but as a tfjs Tensor that the caller owns (for use with ops). */
export function outputTensor(shape: number[], fill: (out: Float32Array) => void, covers = false): tf.Tensor {
  const backend = tf.backend();
  const info = withOutput(backend, shape, fill, covers);
  if (info instanceof tf.Tensor) return info;
  return tf.engine().makeTensorFromTensorInfo(info);
}

function isWasm(b: unknown): b is WasmLike {
  return typeof (b as WasmLike).typedArrayFromHeap === 'function' && typeof (b as WasmLike).makeOutput === 'function';
}

function isCpu(b: unknown): b is CpuLike {
  return typeof (b as CpuLike).makeTensorInfo === 'function' && typeof (b as CpuLike).data?.get === 'function' && !isWasm(b);
}

/** Throws, naming the kernel and input, unless every tensor of `others` has `shape` (`shapeOf` says whose). */
export function requireShape(kernelName: string, shape: readonly number[], shapeOf: string, others: Record<string, tf.TensorInfo>): void {
  for (const [name, t] of Object.entries(others))
    if (t.shape.join() !== shape.join()) throw new Error(`${kernelName}: ${name} has shape [${t.shape}], expected ${shapeOf} [${shape}]`);
}
