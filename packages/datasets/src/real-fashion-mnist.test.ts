import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadMnistLike } from './load-mnist-like';
import { SYSTEM_DATA_DIRS } from './system-dirs';

// Real bytes from the Debian package dataset-fashion-mnist; skipped where it is not installed.
const debianDir = SYSTEM_DATA_DIRS['fashion-mnist'][0];

describe('real Fashion-MNIST (Debian)', () => {
  it.skipIf(!existsSync(debianDir))('loads and verifies the test split: 10000 images, 1000 per class', async () => {
    const ds = await loadMnistLike('fashion-mnist', 'test', { cacheDir: '/nonexistent-floatjs-cache' });
    expect(ds.n).toBe(10_000);
    expect(ds.images.length).toBe(10_000 * 784);
    const histogram = new Array(10).fill(0);
    for (const y of ds.labels) histogram[y]++;
    expect(histogram).toEqual(new Array(10).fill(1000));
    let sum = 0;
    for (const v of ds.images) sum += v;
    expect(sum / ds.images.length / 255).toBeCloseTo(0.2868, 4);
  });
});
