import type { BackendChoice } from '@floatjs/engine';

/** What reports record of the backend a run used: the tfjs backend, its threads, and the native kernels. */
export type BackendRecord = Pick<BackendChoice, 'name' | 'package' | 'threads' | 'native'>;

export function backendRecord(b: BackendChoice): BackendRecord {
  return { name: b.name, package: b.package, ...(b.threads ? { threads: b.threads } : {}), ...(b.native ? { native: b.native } : {}) };
}

/** One line for progress output, e.g. `wasm (@tensorflow/tfjs-backend-wasm, auto, 1 thread; native kernels avx512, 2 threads)`. */
export function backendLine(b: BackendChoice): string {
  const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const parts = [b.package, b.reason, ...(b.threads ? [plural(b.threads)] : [])].join(', ');
  return `backend: ${b.name} (${parts}${b.native ? `; native kernels ${b.native.isa}, ${plural(b.native.threads)}` : ''})`;
}
