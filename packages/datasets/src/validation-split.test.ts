import { describe, expect, it } from 'vitest';
import { heldOutSelection, validationIndices } from './validation-split';

describe('validationIndices', () => {
  it('holds out the last `size` examples by default, as the reference code does (CIFAR 45k/5k, SVHN 68,257/5,000)', () => {
    const { val, rest } = validationIndices(50_000, 5000);
    expect([val[0], val[4999], val.length]).toEqual([45_000, 49_999, 5000]);
    expect([rest[0], rest[44_999], rest.length]).toEqual([0, 44_999, 45_000]);
    const svhn = validationIndices(73_257, 5000);
    expect([svhn.rest.length, svhn.val[0]]).toEqual([68_257, 68_257]);
  });

  it('with a seed, picks a reproducible subset; both parts ascending, disjoint and complete', () => {
    const a = validationIndices(1000, 100, 7);
    expect(validationIndices(1000, 100, 7).val).toEqual(a.val);
    expect(validationIndices(1000, 100, 8).val).not.toEqual(a.val);
    const all = [...a.val, ...a.rest].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (const part of [a.val, a.rest]) for (let i = 1; i < part.length; i++) expect(part[i]).toBeGreaterThan(part[i - 1]);
    // Spread over the file rather than a block: some picks in each tenth.
    for (let t = 0; t < 10; t++) expect([...a.val].some((i) => i >= t * 100 && i < (t + 1) * 100)).toBe(true);
  });

  it('rejects sizes that leave nothing to train on', () => {
    expect(() => validationIndices(10, 10)).toThrow('validation size must be an integer in 1..9 for a training file of 10 examples, got 10');
    expect(() => validationIndices(10, 0)).toThrow(/got 0/);
  });

  it('heldOutSelection maps file indices to output slots and applies limit', () => {
    const s = heldOutSelection('val', 10, 3, {}, 2);
    expect([s.count, s.slot(7), s.slot(8), s.slot(9), s.slot(0), s.last]).toEqual([2, 0, 1, -1, -1, 8]);
    const r = heldOutSelection('train-no-val', 10, 3);
    expect([r.count, r.slot(6), r.slot(7), r.last]).toEqual([7, 6, -1, 6]);
  });
});
