import * as tf from '@tensorflow/tfjs-core';
import type { NativeKernels } from '@floatjs/native-kernels';

const byBackend = new Map<string, NativeKernels>();

/** Records which native kernels serve `backendName` (none: undefined); registerTrainingKernels calls it. */
export function setNativeKernels(backendName: string, kernels: NativeKernels | undefined): void {
  if (kernels) byBackend.set(backendName, kernels);
  else byBackend.delete(backendName);
}

/** The native kernels registered for the active backend (for reports, e.g. bench's scratch memory). */
export function nativeKernelsFor(backendName: string = tf.getBackend()): NativeKernels | undefined {
  return byBackend.get(backendName);
}
