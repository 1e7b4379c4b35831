import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportSafetensors, importSafetensors } from './export';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** An independent reader: only the format's documented header and offsets, nothing from floatjs. */
function readSafetensors(bytes: Buffer) {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const data = bytes.subarray(8 + n);
  const get = (name: string) => {
    const { dtype, shape, data_offsets: [a, b] } = header[name];
    const raw = data.subarray(a, b);
    const values = Array.from({ length: raw.length / 4 }, (_, i) => raw.readFloatLE(4 * i));
    return { dtype, shape, values };
  };
  return { header, get };
}

describe('float export / import', () => {
  it('writes a file another reader understands, in tfjs and pytorch layouts, and imports it back', async () => {
    const out = join(dataDir, 'run');
    await runTrain({ preset: tinyPreset().name, method: 'float', out, dataDir, verify: false, quiet: true });
    const tfjsFile = join(dataDir, 'w-tfjs.safetensors');
    const ptFile = join(dataDir, 'w-pt.safetensors');
    exportSafetensors(out, tfjsFile, 'tfjs');
    exportSafetensors(out, ptFile, 'pytorch');

    const a = readSafetensors(readFileSync(tfjsFile));
    const b = readSafetensors(readFileSync(ptFile));
    expect(JSON.parse(a.header.__metadata__.recipe).method).toBe('float');
    expect(a.header.__metadata__.layout).toBe('tfjs');
    const k = a.get('conv2.kernel');
    expect(k).toMatchObject({ dtype: 'F32', shape: [3, 3, 32, 64] });
    const p = b.get('conv2.kernel');
    expect(p.shape).toEqual([64, 32, 3, 3]);
    // PyTorch [o, i, y, x] = tfjs [y, x, i, o].
    for (const [o, i, y, x] of [[0, 0, 0, 0], [5, 7, 1, 2], [63, 31, 2, 2]]) {
      expect(p.values[((o * 32 + i) * 3 + y) * 3 + x]).toBe(k.values[((y * 3 + x) * 32 + i) * 64 + o]);
    }
    expect(b.get('fc.kernel').shape).toEqual([10, 128]);
    expect(b.get('bn1.adv.gamma').values).toEqual(a.get('bn1.adv.gamma').values);

    for (const file of [tfjsFile, ptFile]) {
      const dir = join(dataDir, `imported-${file.endsWith('pt.safetensors') ? 'pt' : 'tfjs'}`);
      importSafetensors(file, dir);
      expect(readFileSync(join(dir, 'model.safetensors')).equals(readFileSync(join(out, 'model.safetensors')))).toBe(true);
    }
  }, 60_000);

  it('rejects a file without a recipe', async () => {
    const { encodeSafetensors } = await import('@floatjs/checkpoint');
    const file = join(dataDir, 'bare.safetensors');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, encodeSafetensors(new Map([['x', { shape: [1], data: Float32Array.of(1) }]])));
    expect(() => importSafetensors(file, join(dataDir, 'bare'))).toThrow(/bare\.safetensors: __metadata__\.recipe is missing/);
  });
});
