import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNativeKernels, packGeometry, type ConvGeometry } from './index';

const addon = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'Release', 'floatjs_native.node');
const load = loadNativeKernels();
const ok: ConvGeometry = { batch: 1, inHeight: 8, inWidth: 8, inChannels: 2, outHeight: 8, outWidth: 8, outChannels: 3, filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 1, padLeft: 1 };

/** Crafted geometries, each run on all three kernels in a child process: a segfault shows as a signal, not a hung test. */
const CASES: Array<[string, Partial<ConvGeometry>, RegExp]> = [
  ['output taller than the input allows', { outHeight: 11 }, /geometry\.outHeight is 11, but inHeight 8 with stride 1 and padding 1 gives at most 10/],
  ['output wider under stride 2', { outWidth: 6, strideWidth: 2, padLeft: 0 }, /geometry\.outWidth is 6, but inWidth 8 with stride 2 and padding 0 gives at most 5/],
  ['int32 overflow of the interior test', { inHeight: 1 << 24, outHeight: 1 << 24, strideHeight: 1 << 24, inWidth: 1, outWidth: 1, padLeft: 0, filterWidth: 1 }, /more than 2\^31 - 1|at most/],
  ['a field past the limit', { dilationHeight: 1 << 30 }, /geometry\.dilationHeight is 1073741824, at most 16777216/],
  ['huge filter', { filterHeight: 4096, filterWidth: 4096 }, /filterHeight × filterWidth is 16777216, at most 65536/],
];

describe.skipIf(!load.ok)('native addon geometry validation', () => {
  it('every crafted geometry is an error naming the argument, never a crash', () => {
    const code = `
      const m = require(${JSON.stringify(addon)});
      const cases = JSON.parse(process.argv[1]);
      const out = [];
      for (const g of cases) {
        const f = Int32Array.from(g);
        const none = new Float32Array(0);
        for (const call of [() => m.conv2d(none, none, null, none, f, 0), () => m.conv2dBackpropInput(none, none, none, f), () => m.conv2dBackpropFilter(none, none, none, f)]) {
          try { call(); out.push('no error'); } catch (e) { out.push(e.message); }
        }
      }
      process.stdout.write(JSON.stringify(out));`;
    const fields = Object.keys(ok) as Array<keyof ConvGeometry>;
    const packed = CASES.map(([, edit]) => fields.map((k) => ({ ...ok, ...edit })[k]));
    const r = spawnSync(process.execPath, ['-e', code, JSON.stringify(packed)], { encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const messages = JSON.parse(r.stdout) as string[];
    CASES.forEach(([name, , want], i) => {
      for (let j = 0; j < 3; j++) {
        const m = messages[3 * i + j];
        expect(m, `${name} (kernel ${j})`).toMatch(want);
        expect(m.split('\n')).toHaveLength(1);
      }
    });
  });

  it('packGeometry refuses values an Int32Array would wrap', () => {
    expect(() => packGeometry({ ...ok, outChannels: 2 ** 32 + 3 })).toThrow(/geometry\.outChannels: expected a 32-bit integer, got 4294967299/);
    expect(() => packGeometry({ ...ok, padTop: 0.5 })).toThrow(/geometry\.padTop/);
    expect(packGeometry(ok)).toHaveLength(15);
  });
});
