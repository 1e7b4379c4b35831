import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeJpeg } from './jpeg-decode';
import { createRng } from './rng';
import { encodeDcOnlyJpeg } from './test-utils/jpeg-dc-encoder';

const W = 40;
const H = 24;
/** Smooth, channel-asymmetric RGB so transposes and channel swaps show. */
const rgb = Uint8Array.from({ length: H * W * 3 }, (_, i) => {
  const c = i % 3;
  const x = Math.floor(i / 3) % W;
  const y = Math.floor(i / 3 / W);
  return [x * 6, y * 10, 250 - 3 * x - 4 * y][c];
});
const rgba = (px: Uint8Array) => Uint8Array.from({ length: (px.length / 3) * 4 }, (_, i) => (i % 4 === 3 ? 255 : px[(i >> 2) * 3 + (i % 4)]));
const encoded = new Uint8Array(jpeg.encode({ width: W, height: H, data: rgba(rgb) }, 100).data);

function setSofSize(bytes: Uint8Array, height: number, width: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = out.findIndex((b, i) => b === 0xff && out[i + 1] === 0xc0);
  new DataView(out.buffer).setUint16(at + 5, height);
  new DataView(out.buffer).setUint16(at + 7, width);
  return out;
}

describe('decodeJpeg', () => {
  it('decodes an RGB JPEG (quality 100) to within JPEG error of the encoded pixels', () => {
    const img = decodeJpeg(encoded, 'rgb.jpg');
    expect([img.width, img.height, img.data.length]).toEqual([W, H, W * H * 3]);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < rgb.length; i++) {
      const d = Math.abs(img.data[i] - rgb[i]);
      sum += d;
      max = Math.max(max, d);
    }
    expect(sum / rgb.length).toBeLessThan(1.5);
    expect(max).toBeLessThan(16);
  });

  it('expands grayscale to three equal channels', () => {
    const block = (_c: number, by: number, bx: number) => (by * 70 + bx * 45 + 9) & 255;
    const img = decodeJpeg(encodeDcOnlyJpeg({ width: 20, height: 13, components: 1, block }), 'gray.jpg');
    expect([img.width, img.height]).toEqual([20, 13]);
    for (let y = 0; y < 13; y++) {
      for (let x = 0; x < 20; x++) {
        const p = (y * 20 + x) * 3;
        expect(img.data[p]).toBe(img.data[p + 1]);
        expect(img.data[p]).toBe(img.data[p + 2]);
        expect(Math.abs(img.data[p] - block(0, y >> 3, x >> 3))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('converts Adobe CMYK to RGB and rejects 4 components without the Adobe marker', () => {
    // Adobe stores inverted ink: 0 = full ink, 255 = none. Full cyan only → (0, 255, 255).
    const cyan = (c: number) => [0, 255, 255, 255][c];
    const img = decodeJpeg(encodeDcOnlyJpeg({ width: 8, height: 8, components: 4, adobeTransform: 0, block: cyan }), 'cmyk.jpg');
    for (let p = 0; p < 64; p++) expect(Array.from(img.data.subarray(p * 3, p * 3 + 3))).toEqual([0, 255, 255]);
    expect(() => decodeJpeg(encodeDcOnlyJpeg({ width: 8, height: 8, components: 4, block: cyan }), 'n03062245_4620.JPEG')).toThrow(
      'n03062245_4620.JPEG: JPEG decode failed: Unsupported color mode (4 components) (a CMYK JPEG without the Adobe APP14 marker',
    );
  });

  it('detects a PNG behind a .JPEG name and other non-JPEG bytes', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(() => decodeJpeg(png, 'n02105855_2933.JPEG')).toThrow('n02105855_2933.JPEG: is a PNG file, not a JPEG');
    expect(() => decodeJpeg(new TextEncoder().encode('<html>'), 'x.JPEG')).toThrow('x.JPEG: not a JPEG file (no SOI marker FF D8');
  });

  it('refuses oversized dimensions from the header before decoding', () => {
    expect(() => decodeJpeg(setSofSize(encoded, 20000, 20000), 'big.jpg')).toThrow(
      /^big\.jpg: JPEG declares 20000×20000 pixels \(400\.0 MP\), more than the 40 MP limit \(raise maxResolutionInMP/,
    );
    expect(() => decodeJpeg(setSofSize(encoded, 3000, 3000), 'mem.jpg', { maxMemoryUsageInMB: 4 })).toThrow(
      /^mem\.jpg: JPEG decode failed: maxMemoryUsageInMB limit exceeded/,
    );
    expect(() => decodeJpeg(setSofSize(encoded, 3000, 3000), 'mp.jpg', { maxResolutionInMP: 1 })).toThrow(/^mp\.jpg: JPEG declares 3000×3000 pixels \(9\.0 MP\), more than the 1 MP limit/);
  });

  it('corrupt and truncated JPEGs either decode to a full-size image or fail naming the file', () => {
    const rng = createRng(99);
    const cases = 400;
    let rejected = 0;
    const t0 = performance.now();
    for (let c = 0; c < cases; c++) {
      let bad = Uint8Array.from(encoded);
      if (c % 2) bad = bad.subarray(0, rng.nextInt(bad.length));
      else for (let k = 0; k < 3; k++) bad[rng.nextInt(bad.length)] ^= 1 << rng.nextInt(8);
      try {
        const img = decodeJpeg(bad, 'fuzz.jpg', { maxResolutionInMP: 1, maxMemoryUsageInMB: 16 });
        expect(img.data.length).toBe(img.width * img.height * 3);
      } catch (err) {
        expect((err as Error).message.startsWith('fuzz.jpg: ')).toBe(true);
        rejected++;
      }
    }
    console.info(`jpeg fuzz: ${cases} cases, ${rejected} rejected, ${(performance.now() - t0).toFixed(0)} ms`);
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('decodeJpeg: declared size checked before decoding', () => {
  it('refuses a tiny file whose header claims 100 MP, without allocating for it', () => {
    // SOI, SOF0 (8-bit, 10000×10000, 3 components), EOI.
    const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x27, 0x10, 0x27, 0x10, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
    const bytes = Uint8Array.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
    const before = process.memoryUsage().rss;
    expect(() => decodeJpeg(bytes, 'big.jpg')).toThrow(/^big\.jpg: JPEG declares 10000×10000 pixels \(100\.0 MP\), more than the 40 MP limit/);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
  });
});
