import * as tf from '@tensorflow/tfjs-core';
import { createModel, Rng, Trainer } from '@floatjs/engine';
import { nativeKernelsFor, selectBackend } from '@floatjs/backend';
import { nativeOffReason } from '../report/backend-record';
import { pgdAdversary } from '../attack/adversary';
import { KernelProfiler } from './kernel-profile';
import { getMethod } from '../recipes/methods';
// Registers the paper's architectures (resnet34, wrn16-8, ...) in the engine's zoo by name.
import '@floatjs/models';

/** The workloads of ../shared/bench/pytorch_reference.py, with the same shapes and attack. */
const WORKLOADS = {
  'resnet20-pgd7': { model: 'resnet20', input: { height: 32, width: 32, channels: 3, numClasses: 10 }, eps: 8 / 255 },
  'cnn-s-pgd7': { model: 'cnn-s', input: { height: 28, width: 28, channels: 1, numClasses: 10 }, eps: 0.1 },
} as const;
export type WorkloadName = keyof typeof WORKLOADS;

/** The training steps the paper compares (Fig. 7a): PGD-AT at λ = 1, FLOAT, and OAT with its FiLM layers. */
export const BENCH_METHODS = ['pgd-at', 'float', 'oat'] as const;
export type BenchMethod = (typeof BENCH_METHODS)[number];

export interface BenchOptions {
  workload: string;
  batch?: number;
  method?: BenchMethod;
  steps?: number;
  warmup?: number;
  backend?: string;
  /** Time every kernel during the timed steps (adds a little overhead to the step times). */
  profile?: boolean;
}

export interface BenchResult {
  impl: 'floatjs';
  workload: string;
  method: string;
  backend: string;
  /** Threads of the backend's kernels (wasm: XNNPACK's pool). */
  threads?: number;
  /** The native convolution kernels, when registered (their instruction set and threads). */
  native?: { isa: string; threads: number };
  /** Without them (wasm, cpu): why, e.g. the addon's build failure. */
  native_off?: string;
  /** tensorflow: whether TensorFlow found a GPU, and why not. */
  device?: { gpu: boolean; detail: string };
  batch: number;
  steps: number;
  step_ms_median: number;
  images_per_s: number;
  num_tensors_flat: boolean;
  /** wasm only: heap size after warm-up and at the end; equal when memory is bounded. */
  heap_bytes_after_warmup?: number;
  heap_bytes_end?: number;
  /** With native kernels: their scratch memory after warm-up and at the end; equal when memory is bounded. */
  native_scratch_bytes_after_warmup?: number;
  native_scratch_bytes_end?: number;
  /** With `profile`: per timed step, each kernel's exclusive ms and calls, and the ms spent outside kernels. */
  profile?: { kernels: Array<{ kernel: string; ms_per_step: number; calls_per_step: number }>; outside_kernels_ms_per_step: number };
}

/** The wasm backend's heap size (it only grows), or undefined on other backends. */
function wasmHeapBytes(): number | undefined {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength;
}

/**
 * Times one PGD-7 adversarial-training step exactly as the PyTorch reference does: warm-up steps, then the
 * median of timed steps; images_per_s = batch / median. `pgd-at` is the reference's step (7 attack
 * iterations in inference mode, then a training step on the adversarial batch); `float` times FLOAT's step.
 */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const w = WORKLOADS[opts.workload as WorkloadName];
  if (!w) throw new Error(`--workload: unknown workload "${opts.workload}"; expected one of: ${Object.keys(WORKLOADS).join(', ')}`);
  const batch = opts.batch ?? 64;
  if (!(Number.isInteger(batch) && batch >= 2)) throw new Error(`--batch: expected an integer ≥ 2, got ${opts.batch}`);
  const methodName = opts.method ?? 'pgd-at';
  if (!(BENCH_METHODS as readonly string[]).includes(methodName)) throw new Error(`--method: expected ${BENCH_METHODS.join(', ')}, got "${methodName}"`);
  const steps = opts.steps ?? 5;
  const warmup = opts.warmup ?? 2;
  const backend = await selectBackend(opts.backend);
  const model = createModel(w.model, w.input, getMethod(methodName).plugins({ lambda: 1 }), 0);
  const trainer = new Trainer(model, {
    epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, schedule: 'constant', seed: 0,
    adversary: pgdAdversary({ eps: w.eps, steps: 7, stepSize: (1.25 * w.eps) / 7, randomStart: true }),
  });
  const rng = new Rng(0);
  const { height, width, channels } = w.input;
  const x = Float32Array.from({ length: batch * height * width * channels }, () => rng.nextFloat());
  const y = Int32Array.from({ length: batch }, () => rng.nextUint32() % 10);
  const times: number[] = [];
  let profiler: KernelProfiler | undefined;
  let tensorsAfterWarmup = -1;
  let heapAfterWarmup: number | undefined;
  let scratchAfterWarmup: number | undefined;
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    trainer.trainStep({ x, y, size: batch }, 0.01);
    if (i >= warmup) times.push(performance.now() - t0);
    if (i === Math.max(warmup - 1, 0)) {
      tensorsAfterWarmup = tf.memory().numTensors;
      heapAfterWarmup = wasmHeapBytes();
      scratchAfterWarmup = nativeKernelsFor()?.scratchBytes();
      if (opts.profile) profiler = new KernelProfiler(tf.getBackend());
    }
  }
  const kernelTimes = profiler?.report();
  profiler?.stop();
  const flat = tf.memory().numTensors === tensorsAfterWarmup;
  trainer.dispose();
  model.dispose();
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  const perStep = (v: number) => Math.round((v / steps) * 100) / 100;
  const profile = kernelTimes && {
    kernels: kernelTimes.map((k) => ({ kernel: k.kernel, ms_per_step: perStep(k.ms), calls_per_step: perStep(k.calls) })),
    outside_kernels_ms_per_step: perStep(times.reduce((a, b) => a + b, 0) - kernelTimes.reduce((a, k) => a + k.ms, 0)),
  };
  const nativeOff = nativeOffReason(backend);
  return {
    impl: 'floatjs',
    workload: opts.workload,
    method: methodName,
    backend: backend.name,
    ...(backend.threads ? { threads: backend.threads } : {}),
    ...(backend.native ? { native: backend.native } : {}),
    // tensorflow: whether TensorFlow found a GPU (a GPU figure must say it was on one).
    ...(backend.device ? { device: backend.device } : {}),
    ...(nativeOff ? { native_off: nativeOff } : {}),
    batch,
    steps,
    step_ms_median: Math.round(median * 10) / 10,
    images_per_s: Math.round((batch / (median / 1000)) * 100) / 100,
    num_tensors_flat: flat,
    ...(heapAfterWarmup === undefined ? {} : { heap_bytes_after_warmup: heapAfterWarmup, heap_bytes_end: wasmHeapBytes() }),
    ...(scratchAfterWarmup === undefined ? {} : { native_scratch_bytes_after_warmup: scratchAfterWarmup, native_scratch_bytes_end: nativeKernelsFor()?.scratchBytes() }),
    ...(profile ? { profile } : {}),
  };
}
