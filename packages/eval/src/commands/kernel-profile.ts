import * as tf from '@tensorflow/tfjs-core';

export interface KernelTime {
  kernel: string;
  /** Exclusive time (kernels called from inside it are not counted), ms in total. */
  ms: number;
  calls: number;
}

/**
 * Times every kernel of a backend by wrapping its kernelFunc (tfjs's registry, by name). wasm and cpu
 * kernels run synchronously, so the wall time around a call is its cost; the time of kernels nested
 * inside another is subtracted from the outer one. `stop()` puts the original kernels back.
 */
export class KernelProfiler {
  private readonly originals: tf.KernelConfig[];
  private readonly times = new Map<string, KernelTime>();
  private readonly stack: number[] = [];

  constructor(readonly backendName: string) {
    this.originals = tf.getKernelsForBackend(backendName);
    for (const config of this.originals) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel({ ...config, kernelFunc: (args) => this.timed(config, args) });
    }
  }

  private timed(config: tf.KernelConfig, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
    this.stack.push(0);
    const t0 = performance.now();
    try {
      return config.kernelFunc(args);
    } finally {
      const total = performance.now() - t0;
      const nested = this.stack.pop()!;
      if (this.stack.length) this.stack[this.stack.length - 1] += total;
      const entry = this.times.get(config.kernelName) ?? { kernel: config.kernelName, ms: 0, calls: 0 };
      entry.ms += total - nested;
      entry.calls++;
      this.times.set(config.kernelName, entry);
    }
  }

  /** Kernel times so far, slowest first. */
  report(): KernelTime[] {
    return [...this.times.values()].sort((a, b) => b.ms - a.ms);
  }

  reset(): void {
    this.times.clear();
  }

  stop(): void {
    for (const config of this.originals) {
      tf.unregisterKernel(config.kernelName, this.backendName);
      tf.registerKernel(config);
    }
  }
}
