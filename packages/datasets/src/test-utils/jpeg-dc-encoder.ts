export interface DcJpegSpec {
  width: number;
  height: number;
  /**
   * 1 = grayscale; 3 = YCbCr (decoders convert to RGB; see rgbToYcc); 4 = CMYK with `adobeTransform`,
   * or an unsupported 4-component file without it.
   */
  components: 1 | 3 | 4;
  /** Stored sample of component `c` in 8×8 block (by, bx); every pixel of the block gets it. */
  block: (c: number, by: number, bx: number) => number;
  /** Adds an Adobe APP14 marker with this colour transform (0 = CMYK/RGB as stored, 2 = YCCK). */
  adobeTransform?: number;
}

/**
 * A baseline JPEG whose blocks carry only a DC coefficient (all quantisers 1), so the decoded image
 * is exactly the block values. jpeg-js's encoder writes only 3-component YCbCr, and Tiny-ImageNet
 * and ImageNet also hold grayscale and CMYK files; this writes those for tests. It is also ~100×
 * faster than jpeg-js's encoder (whose setup alone takes 100+ ms a call), which keeps fixtures cheap.
 */
export function encodeDcOnlyJpeg(spec: DcJpegSpec): Uint8Array {
  const { width, height, components } = spec;
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) => out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body);
  if (spec.adobeTransform !== undefined) segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0, 0, 0, 0, spec.adobeTransform]);
  segment(0xdb, [0x00, ...new Array(64).fill(1)]);
  const comps = Array.from({ length: components }, (_, c) => [c + 1, 0x11, 0]).flat();
  segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, components, ...comps]);
  // DC table: categories 0..11 all get 4-bit codes (code = category). AC table: only EOB, code "0".
  segment(0xc4, [0x00, 0, 0, 0, 12, ...new Array(12).fill(0), ...Array.from({ length: 12 }, (_, i) => i)]);
  segment(0xc4, [0x10, 1, ...new Array(15).fill(0), 0x00]);
  segment(0xda, [components, ...Array.from({ length: components }, (_, c) => [c + 1, 0x00]).flat(), 0, 63, 0]);

  const bits = new BitWriter();
  const pred = new Array(components).fill(0);
  for (let by = 0; by < Math.ceil(height / 8); by++) {
    for (let bx = 0; bx < Math.ceil(width / 8); bx++) {
      for (let c = 0; c < components; c++) {
        const v = spec.block(c, by, bx);
        if (!Number.isInteger(v) || v < 0 || v > 255) throw new Error(`block value must be 0..255, got ${v}`);
        const dc = 8 * (v - 128);
        const diff = dc - pred[c];
        pred[c] = dc;
        const cat = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
        bits.write(cat, 4);
        if (cat > 0) bits.write(diff > 0 ? diff : diff + (1 << cat) - 1, cat);
        bits.write(0, 1); // EOB
      }
    }
  }
  out.push(...bits.finish(), 0xff, 0xd9);
  return Uint8Array.from(out);
}

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;

  write(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flush();
    }
  }

  finish(): number[] {
    while (this.n !== 0) this.write(1, 1);
    return this.bytes;
  }

  private flush(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing
    this.acc = 0;
    this.n = 0;
  }
}

/** JFIF RGB → YCbCr, rounded: what a decoder turns back into (r, g, b) within about ±2. */
export function rgbToYcc(r: number, g: number, b: number): [number, number, number] {
  const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  return [
    clamp(0.299 * r + 0.587 * g + 0.114 * b),
    clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
    clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b),
  ];
}

/**
 * An RGB JPEG of an image that is constant on each 8×8 block: `rgb(by, bx)` gives the block colour.
 * Decoders return the colour within about ±2 per channel.
 */
export function encodeBlockRgbJpeg(width: number, height: number, rgb: (by: number, bx: number) => readonly [number, number, number]): Uint8Array {
  return encodeDcOnlyJpeg({ width, height, components: 3, block: (c, by, bx) => rgbToYcc(...rgb(by, bx))[c] });
}
