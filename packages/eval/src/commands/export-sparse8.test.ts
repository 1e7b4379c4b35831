import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, WEIGHTS_FILE } from '@floatjs/checkpoint';
import { decodeSparse8 } from '../export/sparse8';
import { exportSparse8 } from './export-sparse8';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('float export --format sparse8', () => {
  it('writes a FLOATS-i model at 8 bits with sparse conv kernels: pruned weights stay zero, the rest within half a step', async () => {
    const out = join(dataDir, 'run');
    await runTrain({ preset: tinyPreset().name, method: 'floats-i', out, dataDir, verify: false, quiet: true });
    const file = join(dataDir, 'model.sparse8');
    const r = exportSparse8(out, file);
    const bytes = readFileSync(file);
    expect(r.bytes).toBe(bytes.length);
    expect(r.density).toBeLessThanOrEqual(0.3);
    const { header, tensors } = decodeSparse8(bytes);
    expect(JSON.parse(header.metadata!.recipe).method).toBe('floats-i');
    const stored = decodeSafetensors(readFileSync(join(out, WEIGHTS_FILE)), join(out, WEIGHTS_FILE)).tensors;
    const kernel = tensors.find((t) => t.name === 'conv2.kernel')!;
    expect(header.tensors.find((t) => t.name === 'conv2.kernel')!.kind).not.toBe('dense');
    expect(header.tensors.find((t) => t.name === 'fc.kernel')!.kind).toBe('dense');
    const orig = stored.get('conv2.kernel')!.data;
    const scale = Math.max(...Array.from(orig, Math.abs)) / 127;
    orig.forEach((v, i) => {
      if (v === 0) expect(kernel.values[i]).toBe(0);
      else expect(Math.abs(kernel.values[i] - v)).toBeLessThanOrEqual(scale / 2 + 1e-7);
    });
    // Σ over every variable at 8 bits dense would be larger than this file for a model at d ≈ 0.3.
    const dense8 = [...stored.values()].reduce((a, t) => a + t.data.length, 0);
    expect(bytes.length).toBeLessThan(dense8);
  }, 60_000);
});
