import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IdxFileName } from './mnist-like-files';

/**
 * The path of `file` or `file.gz` in `dir`, or undefined. The raw file wins because it needs no
 * gunzip; content decides the format anyway (see maybeGunzip).
 */
export async function findIdxFile(dir: string, file: IdxFileName): Promise<string | undefined> {
  for (const candidate of [file, `${file}.gz`]) {
    const path = join(dir, candidate);
    const st = await stat(path).catch(() => undefined);
    if (st?.isFile()) return path;
  }
  return undefined;
}
