import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { registerFusedConv } from './kernels/fused-conv';
import { registerTrainingKernels } from './kernels/register-training-kernels';
import { loadNative, nativeRecord } from './native';
import { initWebGPU } from './webgpu/init-webgpu';
import type { AdapterRecord } from './webgpu/software-adapter';
import { registerThreadedWasm, wasmThreadsFromEnv, xnnpackThreads } from './wasm-threads';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
/** The automatic order; webgpu in it only takes a real GPU adapter (never llvmpipe or SwiftShader). */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendChoice {
  /** The tfjs backend in use. */
  name: BackendName;
  /** Where it came from, e.g. `@tensorflow/tfjs-node-gpu`. */
  package: string;
  /** Why it was chosen (`--backend`, `FLOAT_BACKEND`, or `auto`). */
  reason: 'flag' | 'env' | 'auto';
  /** Backends tried before it, with the reason each was skipped. */
  skipped: Array<{ name: string; error: string }>;
  /**
   * Threads of the backend's own kernels (wasm: XNNPACK's pool; FLOAT_THREADS, or 1 when native kernels
   * run the convolutions, unless FLOAT_WASM_THREADS says otherwise).
   */
  threads?: number;
  /**
   * The native convolution kernels (@floatjs/native-kernels) registered on wasm or cpu: their instruction
   * set, threads, whether 3×3 convolutions may take the Winograd path (FLOAT_NATIVE_WINOGRAD), and whether the
   * addon was compiled here or is the package's prebuilt binary. Absent when
   * they are off (FLOAT_NATIVE=off) or unavailable (the reason is in `skipped`).
   */
  native?: { isa: string; threads: number; winograd?: boolean; source?: 'compiled' | 'prebuilt' };
  /**
   * Where the `tensorflow` and `webgpu` backends compute. tensorflow: TensorFlow's own device list says whether
   * it found a GPU; a GPU package that found none runs on the CPU, and `detail` says why that usually happens.
   * webgpu: the adapter (vendor, architecture, device, description, feature level); `gpu` is false for a
   * software renderer such as Mesa's llvmpipe.
   */
  device?: { gpu: boolean; detail: string; adapter?: AdapterRecord };
}

/** How selectBackend loads an optional package (tests pass a fake one). */
export interface BackendLoaders {
  require?: (pkg: string) => unknown;
}

/** Why tfjs-node-gpu 4.x finds no GPU on most machines today (the line every record of such a run carries). */
export const NO_GPU_DETAIL =
  'TensorFlow found no GPU device, so it runs on the CPU: @tensorflow/tfjs-node-gpu 4.x bundles libtensorflow 2.9.1, which needs CUDA 11.2 and cuDNN 8.1 (with CUDA 12 it cannot load libcudart.so.11.0)';

const require = createRequire(import.meta.url);

/**
 * Chooses and initialises the tfjs backend: `tensorflow` (the optional tfjs-node-gpu, then tfjs-node),
 * then `wasm` (with the training kernels it lacks), then `cpu`. An explicit request (flag, then the
 * FLOAT_BACKEND variable) is honoured or fails with the reason, never silently replaced.
 */
export async function selectBackend(requested?: string, env: NodeJS.ProcessEnv = process.env, loaders: BackendLoaders = {}): Promise<BackendChoice> {
  const reason: BackendChoice['reason'] = requested ? 'flag' : env.FLOAT_BACKEND ? 'env' : 'auto';
  const wanted = requested ?? env.FLOAT_BACKEND ?? 'auto';
  if (wanted !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(wanted)) {
    const source = reason === 'flag' ? '--backend' : 'FLOAT_BACKEND';
    throw new Error(`${source}: unknown backend "${wanted}"; expected one of auto, ${BACKEND_NAMES.join(', ')}`);
  }
  const order = wanted === 'auto' ? BACKEND_NAMES : [wanted as BackendName];
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    try {
      const { pkg, threads, native, device } = await initBackend(name, env, skipped, loaders.require ?? require, wanted !== 'auto');
      return { name, package: pkg, reason, skipped, ...(threads ? { threads } : {}), ...(native ? { native } : {}), ...(device ? { device } : {}) };
    } catch (err) {
      skipped.push({ name, error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  }
  const detail = skipped.map((s) => `${s.name}: ${s.error}`).join('; ');
  throw new Error(`no usable tfjs backend (${detail})`);
}

interface Initialised {
  pkg: string;
  threads?: number;
  native?: BackendChoice['native'];
  device?: BackendChoice['device'];
}

async function initBackend(name: BackendName, env: NodeJS.ProcessEnv, skipped: BackendChoice['skipped'], load: (pkg: string) => unknown, explicit: boolean): Promise<Initialised> {
  if (name === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        load(pkg);
      } catch {
        continue;
      }
      if (await tf.setBackend('tensorflow')) return { pkg, device: tensorflowDevice(pkg) };
    }
    throw new Error('neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed (opt in: npm install @tensorflow/tfjs-node-gpu)');
  }
  if (name === 'webgpu') {
    const started = await initWebGPU(env, explicit);
    // Its own FusedConv2D (bias and ReLU in the shader); the engine's other ops fall back to stock kernels.
    registerFusedConv('webgpu');
    return started;
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const computeThreads = wasmThreadsFromEnv(env);
    const native = await loadNative(env, computeThreads, skipped);
    let threads = xnnpackThreads(env, computeThreads, native !== undefined);
    if (threads > 1) {
      try {
        registerThreadedWasm(threads);
      } catch (err) {
        // E.g. a read-only temp directory for the worker script: one thread still works.
        skipped.push({ name: 'wasm-threads', error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
        threads = 1;
      }
    }
    if (threads === 1) wasm.setThreadsCount?.(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
    registerTrainingKernels('wasm', { native: native?.kernels });
    return { pkg: '@tensorflow/tfjs-backend-wasm', threads: wasm.getThreadsCount(), native: native && nativeRecord(native) };
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  const native = await loadNative(env, wasmThreadsFromEnv(env), skipped);
  registerTrainingKernels('cpu', { native: native?.kernels });
  // The cpu backend prints a banner advising tfjs-node on first use; the choice is already reported.
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { pkg: '@tensorflow/tfjs-backend-cpu', threads: 1, native: native && nativeRecord(native) };
}

/**
 * Whether TensorFlow found a GPU: tfjs-node's backend lists TensorFlow's devices when it starts and keeps the
 * answer (`isUsingGpuDevice`). The GPU package falls back to the CPU without a word when CUDA is missing or of
 * another version, so a run must say which it got.
 */
function tensorflowDevice(pkg: string): BackendChoice['device'] {
  const gpu = (tf.backend() as unknown as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === true;
  if (gpu) return { gpu, detail: 'TensorFlow runs on a GPU device' };
  return { gpu, detail: pkg.endsWith('-gpu') ? NO_GPU_DETAIL : 'TensorFlow on the CPU (@tensorflow/tfjs-node)' };
}
