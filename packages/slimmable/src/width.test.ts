import { describe, expect, it } from 'vitest';
import { slicePrefix } from './slice-array';
import { channelsAt, checkWidths, matchWidth, widthSegment } from './width';
import { narrowShape } from './width-slice';

describe('widths', () => {
  it('keep ⌊w·C⌋ channels, at least one (int(C·w) of the reference slimmable ResNets)', () => {
    expect(channelsAt(64, 0.5)).toBe(32);
    expect(channelsAt(512, 0.75)).toBe(384);
    expect(channelsAt(10, 0.25)).toBe(2); // 2.5 floors
    expect(channelsAt(10, 0.7)).toBe(7); // 0.7·10 = 6.999… in floating point
    expect(channelsAt(3, 0.25)).toBe(1);
    expect(channelsAt(1, 0.5)).toBe(1);
    expect(channelsAt(16, 1)).toBe(16);
  });

  it('name norm segments without dots and check width lists', () => {
    expect([1, 0.5, 0.75, 0.25].map(widthSegment)).toEqual(['w1', 'w0_5', 'w0_75', 'w0_25']);
    expect(widthSegment(0.1 + 0.2)).toBe('w0_3');
    expect(checkWidths([0.5, 1, 0.75], 'x')).toEqual([1, 0.75, 0.5]);
    expect(() => checkWidths([0.5], 'slimmable')).toThrow(/slimmable: widths must include 1/);
    expect(() => checkWidths([1, 0], 'slimmable')).toThrow(/width must be in \(0, 1\], got 0/);
    expect(() => checkWidths([1, 1.5], 'slimmable')).toThrow(/got 1.5/);
    expect(() => checkWidths([1, 0.5, 0.5], 'slimmable')).toThrow(/distinct/);
    expect(() => checkWidths([], 'slimmable')).toThrow(/non-empty/);
    expect(matchWidth([1, 0.5], 0.5 + 1e-12)).toBe(0.5);
    expect(matchWidth([1, 0.5], 0.25)).toBeUndefined();
  });

  it('narrow every channel axis except the stem input and the classifier output', () => {
    const l = (kind: 'conv2d' | 'dense' | 'norm', role: 'stem' | 'body' | 'shortcut' | 'classifier', shape: number[]) => ({ name: 'l', kind, role, shape });
    expect(narrowShape(l('conv2d', 'stem', [3, 3, 3, 64]), 0.5)).toEqual([3, 3, 3, 32]);
    expect(narrowShape(l('conv2d', 'body', [3, 3, 64, 128]), 0.5)).toEqual([3, 3, 32, 64]);
    expect(narrowShape(l('conv2d', 'shortcut', [1, 1, 64, 128]), 0.25)).toEqual([1, 1, 16, 32]);
    expect(narrowShape(l('dense', 'classifier', [512, 10]), 0.5)).toEqual([256, 10]);
    expect(narrowShape(l('dense', 'body', [512, 100]), 0.5)).toEqual([256, 50]);
    expect(narrowShape(l('norm', 'body', [64]), 0.75)).toEqual([48]);
  });
});

describe('slicePrefix', () => {
  it('takes the leading block of every axis (hand-computed 2-D and 4-D cases)', () => {
    // [[0 1 2] [3 4 5]] → first 2 rows, first 2 columns.
    expect(Array.from(slicePrefix(Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3], [2, 2]))).toEqual([0, 1, 3, 4]);
    // [1, 2, 3, 2] kernel with value = 100·a + 10·c + o; keep in 2 of 3, out 1 of 2.
    const shape = [1, 2, 3, 2];
    const data = new Float32Array(12);
    for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) for (let o = 0; o < 2; o++) data[(b * 3 + c) * 2 + o] = 100 * b + 10 * c + o;
    expect(Array.from(slicePrefix(data, shape, [1, 2, 2, 1]))).toEqual([0, 10, 100, 110]);
    // Masks keep their type.
    const bits = slicePrefix(Uint8Array.from([1, 0, 1, 1, 0, 0]), [3, 2], [2, 1]);
    expect(bits).toBeInstanceOf(Uint8Array);
    expect(Array.from(bits)).toEqual([1, 1]);
    expect(Array.from(slicePrefix(Float32Array.of(7), [], []))).toEqual([7]);
  });

  it('rejects sizes outside the shape', () => {
    expect(() => slicePrefix(new Float32Array(6), [2, 3], [3, 1])).toThrow(/each within its axis/);
    expect(() => slicePrefix(new Float32Array(5), [2, 3], [1, 1])).toThrow(/data has 5 elements/);
  });
});
