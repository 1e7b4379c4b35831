import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; the attacks need them for ∇x.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

export type TestBackend = 'cpu' | 'wasm';

/** Activates a backend for a test file (wasm is loaded lazily, only by files that use it). */
export async function useBackend(name: TestBackend = 'cpu'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialize`);
  await tf.ready();
}
