import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendChoice } from '../../backend';

export type WebGPUForTests = { ok: true; choice: BackendChoice } | { ok: false; reason: string };

/**
 * Starts the webgpu backend beside the cpu one (with the native kernels, the reference), leaving cpu active.
 * Where no adapter can be had (no Dawn binding, no Mesa EGL), a test file skips with the reason, except on CI
 * (CI set), where `.ci/run` installs what it needs, and the absence fails the file instead.
 */
export async function startWebGPU(): Promise<WebGPUForTests> {
  await selectBackend('cpu');
  let result: WebGPUForTests;
  try {
    result = { ok: true, choice: await selectBackend('webgpu') };
  } catch (err) {
    result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  await tf.setBackend('cpu');
  if (!result.ok) {
    if (process.env.CI) throw new Error(`the webgpu test group cannot run on CI: ${result.reason}`);
    process.stderr.write(`skipping the webgpu tests: ${result.reason}\n`);
  }
  return result;
}

/** Runs `f` on each backend in turn and returns what it read back, cpu first. */
export async function onBoth<T>(f: () => T | Promise<T>): Promise<{ cpu: T; webgpu: T }> {
  await tf.setBackend('cpu');
  const cpu = await f();
  await tf.setBackend('webgpu');
  try {
    return { cpu, webgpu: await f() };
  } finally {
    await tf.setBackend('cpu');
  }
}

/** max |a − b| / max |a|: the error relative to the reference's scale (0 when equal). */
export function relativeError(reference: ArrayLike<number>, other: ArrayLike<number>): number {
  if (reference.length !== other.length) throw new Error(`length ${reference.length} vs ${other.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i] - other[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return diff === 0 ? 0 : diff / (scale || 1);
}
