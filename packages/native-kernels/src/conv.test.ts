import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeKernels, NATIVE_ISAS, packGeometry, type ConvGeometry, type NativeKernels } from './index';
import { geometryOf, referenceConv, referenceFilterGrad, referenceInputGrad, relErr, seeded } from './test-utils/reference-conv';

const load = loadNativeKernels();

// Strides 1-3, same/valid/explicit and uneven padding, 1x1 to 5x5 kernels, odd sizes, dilation (forward and
// filter gradient only: TensorFlow never differentiates a dilated conv's input), stride above the kernel,
// and channel counts on both sides of every vector width (1, 3, 5, 16, 17, 33, 70, 130).
const CASES = [
  { n: 2, h: 7, w: 9, ci: 3, co: 5, kh: 3, s: 1, pad: 1 },
  { n: 2, h: 8, w: 8, ci: 16, co: 16, kh: 3, s: 1, pad: 1 },
  { n: 3, h: 9, w: 9, ci: 17, co: 33, kh: 3, s: 2, pad: 1 },
  { n: 1, h: 10, w: 11, ci: 20, co: 70, kh: 1, s: 2, pad: 0 },
  { n: 2, h: 6, w: 6, ci: 4, co: 6, kh: 5, s: 3, pad: 2 },
  { n: 1, h: 5, w: 5, ci: 2, co: 3, kh: 2, s: 3, pad: 0 },
  { n: 2, h: 12, w: 12, ci: 8, co: 8, kh: 3, s: 1, d: 2, pad: 2 },
  { n: 2, h: 28, w: 28, ci: 1, co: 32, kh: 3, s: 1, pad: 1 },
  { n: 3, h: 14, w: 14, ci: 32, co: 64, kh: 3, s: 2, pad: 0, padAfter: 1 },
  { n: 1, h: 9, w: 9, ci: 130, co: 130, kh: 3, s: 1, pad: 1 },
  { n: 2, h: 13, w: 11, ci: 3, co: 4, kh: 5, s: 2, pad: 2, padAfter: 1 },
  { n: 2, h: 12, w: 7, ci: 3, co: 2, kh: 4, kw: 2, s: 3, sw: 1, pad: 2 },
  { n: 1, h: 7, w: 7, ci: 2, co: 3, kh: 3, s: 2, pad: 4 },
  { n: 2, h: 9, w: 10, ci: 6, co: 8, kh: 1, s: 3, pad: 0 },
  { n: 1, h: 4, w: 4, ci: 5, co: 1, kh: 3, s: 1, pad: 1 },
  // A few outputs over many inputs (the dot form): forward with 3 outputs, input gradients of 1-4 channels.
  { n: 2, h: 6, w: 7, ci: 20, co: 3, kh: 3, s: 1, pad: 1 },
  { n: 2, h: 9, w: 8, ci: 3, co: 17, kh: 3, s: 2, pad: 1 },
  { n: 2, h: 8, w: 8, ci: 4, co: 40, kh: 3, s: 1, pad: 1 },
  { n: 1, h: 7, w: 9, ci: 2, co: 64, kh: 5, s: 1, pad: 2 },
  // The Winograd path (3×3, stride 1, ≥ 16 channels, ≥ 32 blocks of 4×4 outputs): odd sizes (partial 4×4
  // blocks), valid, same, wide and uneven padding, output channels off the vector width, and one that stays direct
  // (input channels not in whole vectors).
  { n: 8, h: 8, w: 8, ci: 32, co: 32, kh: 3, s: 1, pad: 1 },
  // 16 channels (ResNet-20's first stage; one AVX-512 vector), the products' whole-row path and its remainder.
  { n: 4, h: 10, w: 11, ci: 16, co: 16, kh: 3, s: 1, pad: 1 },
  { n: 5, h: 9, w: 9, ci: 16, co: 24, kh: 3, s: 1, pad: 1 },
  { n: 6, h: 7, w: 9, ci: 32, co: 40, kh: 3, s: 1, pad: 1 },
  { n: 32, h: 6, w: 5, ci: 48, co: 64, kh: 3, s: 1, pad: 0 },
  { n: 8, h: 5, w: 6, ci: 64, co: 32, kh: 3, s: 1, pad: 2 },
  { n: 8, h: 9, w: 6, ci: 32, co: 48, kh: 3, s: 1, pad: 1, padAfter: 0 },
  { n: 1, h: 6, w: 6, ci: 33, co: 32, kh: 3, s: 1, pad: 1 },
];

function describeCase(g: ConvGeometry): string {
  return `${g.batch}x${g.inHeight}x${g.inWidth}x${g.inChannels}→${g.outChannels} k${g.filterHeight}x${g.filterWidth} s${g.strideHeight}x${g.strideWidth} d${g.dilationHeight} pad ${g.padTop},${g.padLeft}`;
}

/** Runs all three kernels on `g`, with outputs pre-filled with NaN so that an unwritten element shows. */
function runAll(k: NativeKernels, g: ConvGeometry, seed: number) {
  const x = seeded(g.batch * g.inHeight * g.inWidth * g.inChannels, seed);
  const w = seeded(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, seed + 1);
  const bias = seeded(g.outChannels, seed + 2);
  const dy = seeded(g.batch * g.outHeight * g.outWidth * g.outChannels, seed + 3);
  const geom = packGeometry(g);
  const y = new Float32Array(dy.length).fill(NaN);
  k.conv2d(x, w, null, y, geom, 0);
  const yFused = new Float32Array(dy.length).fill(NaN);
  k.conv2d(x, w, bias, yFused, geom, 1);
  const dw = new Float32Array(w.length).fill(NaN);
  k.conv2dBackpropFilter(x, dy, dw, geom);
  let dx: Float32Array | undefined;
  if (g.dilationHeight === 1) {
    dx = new Float32Array(x.length).fill(NaN);
    k.conv2dBackpropInput(dy, w, dx, geom);
  }
  return { x, w, bias, dy, y, yFused, dw, dx };
}

describe('native convolution kernels against a float64 reference', () => {
  it('the addon was built and loads', () => {
    expect(load.ok ? 'loaded' : load.reason).toBe('loaded');
  });
  if (!load.ok) return;
  const k = load.kernels;
  const best = k.isa();
  afterAll(() => {
    k.setIsa(best);
    k.setThreads(1);
  });

  for (const isa of NATIVE_ISAS) {
    for (const threads of [1, 2]) {
      it(`${isa}, ${threads} thread(s): forward, fused bias + ReLU, input and filter gradients`, (ctx) => {
        if (!k.setIsa(isa)) return ctx.skip();
        k.setThreads(threads);
        CASES.forEach((c, i) => {
          const g = geometryOf(c);
          const r = runAll(k, g, 100 + i);
          const label = describeCase(g);
          expect(relErr(r.y, referenceConv(g, r.x, r.w, null, false)), `${label} forward`).toBeLessThan(1e-5);
          expect(relErr(r.yFused, referenceConv(g, r.x, r.w, r.bias, true)), `${label} fused`).toBeLessThan(1e-5);
          expect(relErr(r.dw, referenceFilterGrad(g, r.x, r.dy)), `${label} dfilter`).toBeLessThan(1e-5);
          if (r.dx) expect(relErr(r.dx, referenceInputGrad(g, r.dy, r.w)), `${label} dx`).toBeLessThan(1e-5);
        });
      });
    }
  }

  it('fuses a residual add: act(conv + bias + residual) equals conv + bias, then a float32 add, then ReLU, bit for bit', (ctx) => {
    let ran = 0;
    for (const isa of NATIVE_ISAS) {
      if (!k.setIsa(isa)) continue;
      for (const threads of [1, 2]) {
        k.setThreads(threads);
        CASES.forEach((c, i) => {
          const g = geometryOf(c);
          const geom = packGeometry(g);
          const size = g.batch * g.outHeight * g.outWidth * g.outChannels;
          const x = seeded(g.batch * g.inHeight * g.inWidth * g.inChannels, 300 + i);
          const w = seeded(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, 301 + i);
          const bias = seeded(g.outChannels, 302 + i);
          const residual = seeded(size, 303 + i);
          const plain = new Float32Array(size);
          k.conv2d(x, w, bias, plain, geom, 0);
          const sum = plain.map((v, j) => Math.fround(v + residual[j]));
          for (const act of [0, 1] as const) {
            const fused = new Float32Array(size).fill(NaN);
            k.conv2d(x, w, bias, fused, geom, act, residual);
            const expected = act ? sum.map((v) => (v > 0 ? v : 0)) : sum;
            expect(Buffer.compare(Buffer.from(fused.buffer), Buffer.from(expected.buffer)), `${isa} ${threads}t act ${act} ${describeCase(g)}`).toBe(0);
          }
          // Without a bias too, and in place (the residual is the output buffer).
          const inPlace = Float32Array.from(residual);
          k.conv2d(x, w, null, inPlace, geom, 1, inPlace);
          const noBias = new Float32Array(size);
          k.conv2d(x, w, null, noBias, geom, 0);
          const expectedInPlace = noBias.map((v, j) => Math.max(0, Math.fround(v + residual[j])));
          expect(Buffer.compare(Buffer.from(inPlace.buffer), Buffer.from(expectedInPlace.buffer)), `${isa} in place ${describeCase(g)}`).toBe(0);
        });
        ran++;
      }
    }
    if (!ran) ctx.skip();
  });

  it('gives bit-identical results for 1, 2, 3 and 16 threads (the filter gradient sums chunks in a fixed order)', () => {
    // 8 × 32 × 32 pixels: the filter gradient is summed in several chunks. The first two shapes take the Winograd
    // path (16 and 32 input channels: its compiled whole-row products, and the remainder rows of the last task),
    // the third (3 input channels) the forward's row taps.
    for (const c of [
      { n: 8, h: 32, w: 32, ci: 16, co: 32, kh: 3, s: 1, pad: 1 },
      { n: 4, h: 15, w: 17, ci: 32, co: 64, kh: 3, s: 1, pad: 1 },
      { n: 8, h: 17, w: 15, ci: 3, co: 24, kh: 3, s: 2, pad: 1 },
    ]) {
      const g = geometryOf(c);
      const runs = [1, 2, 3, 16].map((t) => {
        k.setThreads(t);
        return runAll(k, g, 7);
      });
      for (const r of runs.slice(1)) {
        for (const key of ['y', 'yFused', 'dw', 'dx'] as const) expect(Buffer.compare(Buffer.from(r[key]!.buffer), Buffer.from(runs[0][key]!.buffer)), `${describeCase(g)} ${key}`).toBe(0);
      }
    }
  });

  it('takes the Winograd path for 3×3 stride-1 convolutions of ≥ 16 channels, and setWinograd(false) the direct one', () => {
    expect(k.winograd()).toBe(true);
    const eligible = geometryOf({ n: 6, h: 9, w: 7, ci: 32, co: 32, kh: 3, s: 1, pad: 1 });
    const narrow = geometryOf({ n: 6, h: 9, w: 7, ci: 8, co: 16, kh: 3, s: 1, pad: 1 });
    // Too few 4×4 output blocks (2 images × 3 × 2 < 32): the filter transform would cost more than it saves.
    const small = geometryOf({ n: 2, h: 9, w: 7, ci: 32, co: 32, kh: 3, s: 1, pad: 1 });
    const both = (g: ConvGeometry) => {
      k.setWinograd(false);
      const direct = runAll(k, g, 11);
      k.setWinograd(true);
      return { direct, winograd: runAll(k, g, 11) };
    };
    const same = (a: Float32Array, b: Float32Array) => Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)) === 0;
    for (const isa of NATIVE_ISAS) {
      if (!k.setIsa(isa)) continue;
      const e = both(eligible);
      // Another rounding shows the path is taken; the float64 reference bounds both.
      expect(same(e.direct.y, e.winograd.y), `${isa} forward`).toBe(false);
      expect(same(e.direct.dx!, e.winograd.dx!), `${isa} dx`).toBe(false);
      expect(relErr(e.winograd.y, referenceConv(eligible, e.winograd.x, e.winograd.w, null, false)), `${isa} forward`).toBeLessThan(1e-5);
      expect(relErr(e.winograd.dx!, referenceInputGrad(eligible, e.winograd.dy, e.winograd.w)), `${isa} dx`).toBeLessThan(1e-5);
      // The filter gradient is always direct; so is every pass below 16 channels or 32 output blocks.
      expect(same(e.direct.dw, e.winograd.dw), `${isa} dfilter`).toBe(true);
      const n = both(narrow);
      for (const key of ['y', 'yFused', 'dw', 'dx'] as const) expect(same(n.direct[key]!, n.winograd[key]!), `${isa} narrow ${key}`).toBe(true);
      const m = both(small);
      for (const key of ['y', 'yFused', 'dw', 'dx'] as const) expect(same(m.direct[key]!, m.winograd[key]!), `${isa} small ${key}`).toBe(true);
    }
    k.setIsa(best);
  });

  it('reads and writes Float32Arrays that view a shared WebAssembly heap in place', () => {
    const g = geometryOf({ n: 1, h: 6, w: 6, ci: 4, co: 8, kh: 3, s: 1, pad: 1 });
    // @types/node declares WebAssembly as types only; the runtime has it.
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer } } }).WebAssembly;
    const memory = new wasm.Memory({ initial: 1, maximum: 4, shared: true });
    const x = new Float32Array(memory.buffer, 64, 6 * 6 * 4);
    const w = new Float32Array(memory.buffer, 64 + x.byteLength, 9 * 4 * 8);
    const y = new Float32Array(memory.buffer, 64 + x.byteLength + w.byteLength, 6 * 6 * 8);
    x.set(seeded(x.length, 1));
    w.set(seeded(w.length, 2));
    k.conv2d(x, w, null, y, packGeometry(g), 0);
    expect(relErr(y, referenceConv(g, x, w, null, false))).toBeLessThan(1e-5);
  });
});

describe('native kernel argument checks', () => {
  if (!load.ok) return;
  const k = load.kernels;
  const g = geometryOf({ n: 1, h: 4, w: 4, ci: 2, co: 3, kh: 3, s: 1, pad: 1 });
  const geom = packGeometry(g);
  const x = new Float32Array(32);
  const w = new Float32Array(54);
  const y = new Float32Array(48);

  it('names the argument and the expected length', () => {
    expect(() => k.conv2d(new Float32Array(31), w, null, y, geom, 0)).toThrow('conv2d: x: has 31 elements, expected 32');
    expect(() => k.conv2d(x, w, new Float32Array(2), y, geom, 0)).toThrow('conv2d: bias: has 2 elements, expected 3');
    expect(() => k.conv2dBackpropFilter(x, y, new Float32Array(53), geom)).toThrow('conv2dBackpropFilter: dfilter: has 53 elements, expected 54');
    expect(() => k.conv2dBackpropInput(new Float32Array(47), w, x, geom)).toThrow('conv2dBackpropInput: dy: has 47 elements, expected 48');
    expect(() => k.conv2d(x, w, null, y, geom, 1, new Float32Array(47))).toThrow('conv2d: residual: has 47 elements, expected 48');
  });

  it('rejects other array types, bad geometry fields, activations and dilated input gradients', () => {
    expect(() => k.conv2d(new Float64Array(32) as unknown as Float32Array, w, null, y, geom, 0)).toThrow('conv2d: x: expected a Float32Array');
    expect(() => k.conv2d(x, w, null, y, new Int32Array(14), 0)).toThrow('conv2d: geometry: expected an Int32Array of 15 fields');
    expect(() => k.conv2d(x, w, null, y, packGeometry({ ...g, strideHeight: 0 }), 0)).toThrow('conv2d: geometry.strideHeight is 0, expected at least 1');
    expect(() => k.conv2d(x, w, null, y, packGeometry({ ...g, padTop: -1 }), 0)).toThrow('conv2d: geometry.padTop is -1, expected at least 0');
    expect(() => k.conv2d(x, w, null, y, geom, 2 as 0)).toThrow('conv2d: activation: expected 0 (linear) or 1 (relu)');
    expect(() => k.conv2dBackpropInput(y, w, x, packGeometry({ ...g, dilationHeight: 2 }))).toThrow('conv2dBackpropInput: dilation must be 1');
    expect(() => k.setThreads(0)).toThrow('setThreads: expected an integer from 1 to 256');
    expect(k.setIsa('no-such-isa' as 'generic')).toBe(false);
  });

  it('handles empty batches', () => {
    const empty = packGeometry({ ...g, batch: 0 });
    const dw = new Float32Array(54).fill(NaN);
    k.conv2dBackpropFilter(new Float32Array(0), new Float32Array(0), dw, empty);
    expect(dw.every((v) => v === 0)).toBe(true);
    expect(() => k.conv2d(new Float32Array(0), w, null, new Float32Array(0), empty, 0)).not.toThrow();
  });
});
