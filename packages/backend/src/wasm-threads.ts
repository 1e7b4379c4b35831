import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { verifiedWorkerFile } from './wasm-worker-file';

const require = createRequire(import.meta.url);

interface EmscriptenWorker {
  unref?: () => void;
}

interface ThreadedModule {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => number;
  PThread?: { runningWorkers: EmscriptenWorker[]; unusedWorkers: EmscriptenWorker[] };
  tfjs?: Record<string, unknown>;
}

let registered: number | undefined;

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/** The largest pool tfjs's threaded build accepts (it pre-creates 8 workers). */
export const MAX_WASM_THREADS = 8;
/** The largest native pool (the addon's limit); results are bit-identical for any size. */
export const MAX_THREADS = 256;

/**
 * The number of threads for the compute kernels (the native pool; XNNPACK without native kernels takes at
 * most MAX_WASM_THREADS of them): FLOAT_THREADS if set, else every core the process may use.
 * Throws a message naming FLOAT_THREADS when it is not an integer in 1..256.
 */
export function wasmThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLOAT_THREADS;
  if (raw === undefined || raw === '') return Math.min(MAX_THREADS, os.availableParallelism?.() ?? os.cpus().length);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new Error(`FLOAT_THREADS: expected an integer from 1 to ${MAX_THREADS}, got "${raw}"`);
  }
  return n;
}

/**
 * XNNPACK's threads on wasm: FLOAT_WASM_THREADS if set; else 1 when the native kernels run the
 * convolutions (what is left to XNNPACK is memory-bound element-wise work, and its idle workers spin,
 * taking cores from the native pool); else `threads`, at most MAX_WASM_THREADS.
 */
export function xnnpackThreads(env: NodeJS.ProcessEnv, threads: number, nativeKernels: boolean): number {
  const raw = env.FLOAT_WASM_THREADS;
  if (raw === undefined || raw === '') return nativeKernels ? 1 : Math.min(threads, MAX_WASM_THREADS);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(`FLOAT_WASM_THREADS: expected an integer from 1 to ${MAX_WASM_THREADS}, got "${raw}"`);
  }
  return n;
}

/**
 * Registers the `wasm` backend built from tfjs's threaded-SIMD binary, running XNNPACK on `threads`
 * threads. tfjs turns threads off under Node for two reasons that this works around:
 * it hands Emscripten a blob: URL for the pthread worker, which Node's worker_threads cannot load
 * (we write the worker script to a content-addressed file in a private per-user directory instead, verified
 * before every use: see wasm-worker-file.ts), and its C code caps the pool at
 * half of os.cpus() (so we report enough cores while the module's static constructors run).
 * Kernels stay those registered for `wasm`; only the module behind the backend changes.
 */
export function registerThreadedWasm(threads: number): void {
  // Once a wasm backend exists its module (and thread pool) is fixed for the process.
  if (registered !== undefined || (tf.engine() as unknown as { registry: Record<string, unknown> }).registry.wasm) return;
  registered = threads;
  const wasm = require('@tensorflow/tfjs-backend-wasm') as {
    BackendWasm: new (module: unknown) => tf.KernelBackend;
    setThreadsCount: (n: number) => void;
  };
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const dir = dirname(mainScript);
  const factory = require(mainScript) as Factory;
  const workerSource = workerScript(dir);
  // Checked (and written if needed) at registration and again whenever Emscripten asks for it.
  verifiedWorkerFile(workerSource);
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await withReportedCores(2 * threads, () =>
        factory({
          locateFile: (path: string) => (path.endsWith('.worker.js') ? verifiedWorkerFile(workerSource) : join(dir, path)),
          mainScriptUrlOrBlob: mainScript,
        }),
      );
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      wasm.setThreadsCount(threads);
      const backend = new wasm.BackendWasm(module);
      // pthreadpool's workers are ref'd when they start; without this a CLI run would never exit.
      for (const w of [...(module.PThread?.runningWorkers ?? []), ...(module.PThread?.unusedWorkers ?? [])]) w.unref?.();
      return backend;
    },
    2,
  );
}

function workerScript(dir: string): string {
  const { wasmWorkerContents } = require(join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The exported string holds "\n" escapes that must stay escapes in the file (tfjs does the same).
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

async function withReportedCores<T>(cores: number, fn: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const first = real()[0];
  os.cpus = () => Array.from({ length: cores }, () => first!);
  try {
    return await fn();
  } finally {
    os.cpus = real;
  }
}
