import { verifyRaw, type VerifyOptions } from './checksums';
import { gunzipIdx, MAX_IDX_BYTES } from './idx-gunzip';
import { readDataFile } from './read-data-file';
import { parseIdx, type IdxArray } from './idx';
import type { IdxFileName, MnistLikeName } from './mnist-like-files';

/**
 * Reads, gunzips (if gzipped), parses and verifies one IDX file. Parsing comes first so a truncated
 * or foreign file gets a structural error rather than only "wrong size".
 */
export async function readIdxFile(
  path: string,
  name: MnistLikeName,
  file: IdxFileName,
  opts: Omit<VerifyOptions, 'source'> = {},
): Promise<IdxArray> {
  const raw = await gunzipIdx(await readDataFile(path, MAX_IDX_BYTES), path);
  const idx = parseIdx(raw, path);
  verifyRaw(name, file, raw, { ...opts, source: path });
  return idx;
}
