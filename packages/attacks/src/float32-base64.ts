const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Map([...ALPHABET].map((ch, i) => [ch, i]));

/**
 * Float32 values as base64 of their little-endian bytes: exact, about a third of the size of JSON
 * numbers, and the same on every platform (no Buffer, so it also runs in browsers).
 */
export function float32ToBase64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b >> 4)];
    out += i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)] : '=';
    out += i + 2 < bytes.length ? ALPHABET[c & 63] : '=';
  }
  return out;
}

/** Inverse of `float32ToBase64`; throws a RangeError on malformed input. */
export function base64ToFloat32(text: string): Float32Array {
  if (text.length % 4 !== 0) throw new RangeError(`base64 float32 data must have a length divisible by 4, got ${text.length}`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const byteLength = (text.length / 4) * 3 - padding;
  if (byteLength % 4 !== 0) throw new RangeError(`base64 data holds ${byteLength} bytes, not a whole number of float32 values`);
  const bytes = new Uint8Array(byteLength);
  let k = 0;
  for (let i = 0; i < text.length; i += 4) {
    const sextets = [0, 1, 2, 3].map((j) => {
      const ch = text[i + j];
      if (ch === '=' && i + j >= text.length - padding) return 0;
      const v = LOOKUP.get(ch);
      if (v === undefined) throw new RangeError(`invalid base64 character '${ch}' at ${i + j}`);
      return v;
    });
    const triple = (sextets[0] << 18) | (sextets[1] << 12) | (sextets[2] << 6) | sextets[3];
    for (const shift of [16, 8, 0]) if (k < byteLength) bytes[k++] = (triple >> shift) & 255;
  }
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
}
