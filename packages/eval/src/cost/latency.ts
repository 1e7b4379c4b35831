import * as tf from '@tensorflow/tfjs-core';
import { Rng, type Condition, type Model } from '@floatjs/engine';

export interface LatencyTarget {
  label: string;
  model: Model;
  cond: Partial<Condition>;
}

export interface LatencyResult {
  label: string;
  batch: number;
  /** Median wall time of one inference forward of the whole batch, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Measured inference latency: each target's logits for one batch of random images, in inference mode at its
 * condition, read back to the host (so asynchronous backends are fully timed). Targets are timed round-robin
 * (warm-up rounds first), so drift on a shared machine spreads over all of them alike.
 */
export function measureLatency(targets: readonly LatencyTarget[], opts: { batch: number; reps?: number; warmup?: number; seed?: number }): LatencyResult[] {
  const reps = opts.reps ?? 15;
  const warmup = opts.warmup ?? 3;
  const samples = targets.map(() => [] as number[]);
  const inputs = new Map<string, tf.Tensor4D>();
  const rng = new Rng(opts.seed ?? 0);
  for (const t of targets) {
    const { height, width, channels } = t.model.input;
    const key = `${height}x${width}x${channels}`;
    if (!inputs.has(key)) {
      const data = new Float32Array(opts.batch * height * width * channels);
      for (let i = 0; i < data.length; i++) data[i] = rng.nextFloat();
      inputs.set(key, tf.tensor4d(data, [opts.batch, height, width, channels]));
    }
  }
  const fns = targets.map((t) => t.model.logitsFn(t.cond, Rng.derive(opts.seed ?? 0, `latency:${t.label}`)));
  try {
    for (let r = 0; r < warmup + reps; r++) {
      targets.forEach((t, i) => {
        const x = inputs.get(`${t.model.input.height}x${t.model.input.width}x${t.model.input.channels}`)!;
        const t0 = performance.now();
        const y = tf.tidy(() => fns[i](x));
        y.dataSync();
        const ms = performance.now() - t0;
        y.dispose();
        if (r >= warmup) samples[i].push(ms);
      });
    }
  } finally {
    for (const x of inputs.values()) x.dispose();
  }
  return targets.map((t, i) => ({
    label: t.label,
    batch: opts.batch,
    medianMs: median(samples[i]),
    minMs: Math.min(...samples[i]),
    maxMs: Math.max(...samples[i]),
    samplesMs: samples[i],
  }));
}
