import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Root under which each dataset gets its own folder: the `cacheDir` option, else `$FLOAT_CACHE_DIR`,
 * else `~/.cache/floatjs/datasets`. One folder per dataset because MNIST and Fashion-MNIST use the
 * same file names.
 */
export function cacheRoot(cacheDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return cacheDir ?? (env.FLOAT_CACHE_DIR || join(homedir(), '.cache', 'floatjs', 'datasets'));
}

export function datasetCacheDir(name: string, cacheDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(cacheDir, env), name);
}
