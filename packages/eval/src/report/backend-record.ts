import type { BackendChoice } from '@floatjs/backend';

/**
 * What reports record of the backend a run used: the tfjs backend, its threads, and the native kernels, or, on
 * wasm and cpu without them, `nativeOff`: why the run is on the slow path.
 */
export type BackendRecord = Pick<BackendChoice, 'name' | 'package' | 'threads' | 'native' | 'device'> & { nativeOff?: string };

export function backendRecord(b: BackendChoice): BackendRecord {
  const off = nativeOffReason(b);
  return { name: b.name, package: b.package, ...(b.threads ? { threads: b.threads } : {}), ...(b.native ? { native: b.native } : {}), ...(b.device ? { device: b.device } : {}), ...(off ? { nativeOff: off } : {}) };
}

/** Why the native kernels are not in use on a backend that could use them (wasm, cpu); undefined when they are. */
export function nativeOffReason(b: Pick<BackendChoice, 'name' | 'native' | 'skipped'>): string | undefined {
  if (b.native || (b.name !== 'wasm' && b.name !== 'cpu')) return undefined;
  const skipped = b.skipped?.find((s) => s.name === 'native-kernels');
  if (skipped) return skipped.error;
  return process.env.FLOAT_NATIVE === 'off' ? 'FLOAT_NATIVE=off' : 'not loaded';
}

/** One line for progress output, e.g. `wasm (@tensorflow/tfjs-backend-wasm, auto, 1 thread; native kernels avx512, 2 threads)`. */
export function backendLine(b: BackendChoice): string {
  const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const parts = [b.package, b.reason, ...(b.threads ? [plural(b.threads)] : [])].join(', ');
  const off = nativeOffReason(b);
  const native = b.native
    ? `; native kernels ${b.native.isa}, ${plural(b.native.threads)}${b.native.winograd === false ? ', Winograd off' : ''}${b.native.source ? `, ${b.native.source}` : ''}`
    : off
      ? `; native kernels OFF, the slow path: ${off}`
      : '';
  // tensorflow: whether TensorFlow found a GPU (the GPU package quietly runs on the CPU without CUDA 11.2).
  const device = b.device ? (b.device.gpu ? '; on a GPU' : `; ON THE CPU: ${b.device.detail}`) : '';
  return `backend: ${b.name} (${parts}${native}${device})`;
}
