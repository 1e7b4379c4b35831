import { describe, expect, it } from 'vitest';
import { balancedSubset } from './image-folder-balanced';

describe('balancedSubset', () => {
  it('takes the k-th example of every class before any (k+1)-th, in stored order', () => {
    const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    expect(Array.from(balancedSubset(labels, 3))).toEqual([0, 3, 5]);
    expect(Array.from(balancedSubset(labels, 5))).toEqual([0, 1, 3, 4, 5]);
    // Class 1 runs out after two: the third round takes classes 0 and 2 only.
    expect(Array.from(balancedSubset(labels, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(balancedSubset(labels, 0))).toEqual([]);
    expect(Array.from(balancedSubset(labels, 99))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('works on interleaved stored orders too', () => {
    expect(Array.from(balancedSubset([2, 0, 2, 1, 0, 1], 3))).toEqual([0, 1, 3]);
  });
});
