import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheRoot, datasetCacheDir } from './cache-dir';

describe('cache dir', () => {
  it('prefers the option, then $FLOAT_CACHE_DIR, then ~/.cache/floatjs/datasets', () => {
    expect(cacheRoot('/opt/c', { FLOAT_CACHE_DIR: '/env' })).toBe('/opt/c');
    expect(cacheRoot(undefined, { FLOAT_CACHE_DIR: '/env' })).toBe('/env');
    expect(cacheRoot(undefined, {})).toBe(join(homedir(), '.cache', 'floatjs', 'datasets'));
  });

  it('gives each dataset its own folder, since MNIST and Fashion-MNIST share file names', () => {
    expect(datasetCacheDir('mnist', '/c')).toBe('/c/mnist');
    expect(datasetCacheDir('fashion-mnist', '/c')).toBe('/c/fashion-mnist');
  });
});
