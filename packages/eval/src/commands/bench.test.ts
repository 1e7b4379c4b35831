import { describe, expect, it } from 'vitest';
import { runBench } from './bench';

describe('float bench', () => {
  it('times PGD-7 steps and reports images/s with a flat tensor count', async () => {
    const r = await runBench({ workload: 'cnn-s-pgd7', batch: 8, steps: 3, warmup: 1 });
    expect(r).toMatchObject({ impl: 'floatjs', workload: 'cnn-s-pgd7', method: 'pgd-at', batch: 8, steps: 3, num_tensors_flat: true });
    expect(r.images_per_s).toBeGreaterThan(0);
    // The test environment pins FLOAT_THREADS=1 (vitest.shared.ts); the report says how many ran.
    expect(r.threads).toBe(1);
    expect(r.images_per_s).toBeCloseTo(8 / (r.step_ms_median / 1000), 0);
  }, 60_000);

  it('times the FLOAT step too', async () => {
    const r = await runBench({ workload: 'resnet20-pgd7', batch: 4, steps: 1, warmup: 1, method: 'float' });
    expect(r.method).toBe('float');
    expect(r.num_tensors_flat).toBe(true);
  }, 60_000);

  it('memory is bounded: tensor count, wasm heap and native scratch flat over 50 steps after warm-up', async () => {
    const r = await runBench({ workload: 'cnn-s-pgd7', batch: 4, steps: 50, warmup: 3, backend: 'wasm' });
    expect(r.num_tensors_flat).toBe(true);
    expect(r.heap_bytes_end).toBe(r.heap_bytes_after_warmup);
    if (r.native) {
      expect(r.native_scratch_bytes_after_warmup).toBeGreaterThan(0);
      expect(r.native_scratch_bytes_end).toBe(r.native_scratch_bytes_after_warmup);
    }
  }, 120_000);

  it('times OAT (FiLM after every norm, per-sample λ) on the same workload', async () => {
    const r = await runBench({ workload: 'cnn-s-pgd7', batch: 8, steps: 1, warmup: 1, method: 'oat' });
    expect(r).toMatchObject({ method: 'oat', num_tensors_flat: true });
    await expect(runBench({ workload: 'cnn-s-pgd7', method: 'trades' as never })).rejects.toThrow('--method: expected pgd-at, float, oat, got "trades"');
  }, 60_000);

  it('rejects an unknown workload by name', async () => {
    await expect(runBench({ workload: 'vgg-pgd7' })).rejects.toThrow(/--workload: unknown workload "vgg-pgd7"; expected one of: resnet20-pgd7, cnn-s-pgd7/);
  });
});
