import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IMAGENET100_CMC_WNIDS, imagenet100ClassNames, imagenetClassNames } from './imagenet100-classes';

describe('ImageNet-100 class list', () => {
  it('is the CMC imagenet100.txt: 100 unique wnids, byte-identical when written one per line', () => {
    expect(IMAGENET100_CMC_WNIDS).toHaveLength(100);
    expect(new Set(IMAGENET100_CMC_WNIDS).size).toBe(100);
    const file = IMAGENET100_CMC_WNIDS.map((w) => `${w}\n`).join('');
    // md5 / sha256 of HobbitLong/CMC imagenet100.txt (datasets.md §2.8).
    expect(createHash('md5').update(file).digest('hex')).toBe('9974508e5d4cc0098b70e8b6a0fe6067');
    expect(createHash('sha256').update(file).digest('hex')).toBe('79f3f1552ccc478ce24bd934b4573625db584ddc1f4643ae23c994a94cb11397');
  });

  it('numbers classes in sorted wnid order', () => {
    const names = imagenet100ClassNames();
    expect(names[0]).toBe('n01558993');
    expect(names[1]).toBe('n01692333');
    expect(names[98]).toBe('n13037406');
    expect(names[99]).toBe('n13040303');
    for (let i = 1; i < 100; i++) expect(names[i - 1] < names[i]).toBe(true);
  });

  it('checks custom lists', () => {
    expect(imagenetClassNames(['n02', 'n01'].map((p) => `${p}000000`))).toEqual(['n01000000', 'n02000000']);
    expect(() => imagenetClassNames([], 'my list')).toThrow('my list: empty');
    expect(() => imagenetClassNames(['n01558993', 'n01558993'], 'my list')).toThrow('my list: n01558993 appears twice');
    expect(() => imagenetClassNames(['dog'], 'my list')).toThrow('my list: "dog" is not a wnid like n01558993');
  });
});
