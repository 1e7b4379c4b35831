import type * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { writeFileAtomic } from '@floatjs/checkpoint';

/** model.json larger than this is refused before it is read (a topology is kilobytes, a big one a few MB). */
export const MAX_MODEL_JSON_BYTES = 64 << 20;
/** All weight files of one model together (tfjs models for the browser are well under this). */
export const MAX_WEIGHT_BYTES = 2 * 1024 ** 3;

/** What `readModelFiles` returns: the tfjs artifacts and the sha256 over model.json and every weight file in order. */
export interface LoadedArtifacts {
  artifacts: tf.io.ModelArtifacts;
  sha256: string;
}

/**
 * Reads a tfjs model saved as `model.json` plus binary weight shards (the `tfjs_layers_model` and
 * `tfjs_graph_model` formats that `model.save('file://…')` and the converter write), with the bounds of every
 * other reader here: sizes checked before reading, shard paths kept inside the model's directory, and the
 * bytes each manifest entry declares checked against what is there. Errors name the file and what was expected.
 */
export function readModelFiles(modelJsonPath: string): LoadedArtifacts {
  const file = resolve(modelJsonPath);
  const json = readBounded(file, MAX_MODEL_JSON_BYTES, 'model.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new Error(`${modelJsonPath}: not JSON (${err instanceof Error ? err.message : String(err)}); expected a tfjs model.json`, { cause: err });
  }
  const model = parsed as { modelTopology?: unknown; weightsManifest?: unknown; format?: string; generatedBy?: string; convertedBy?: string | null; signature?: object; userDefinedMetadata?: object; modelInitializer?: object };
  if (typeof model !== 'object' || model === null || typeof model.modelTopology !== 'object' || model.modelTopology === null) {
    throw new Error(`${modelJsonPath}: no "modelTopology" object; expected a tfjs model.json (tfjs_layers_model or tfjs_graph_model)`);
  }
  if (!Array.isArray(model.weightsManifest)) throw new Error(`${modelJsonPath}: "weightsManifest" must be an array of {paths, weights}`);
  const hash = createHash('sha256').update(json);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Buffer[] = [];
  let total = 0;
  for (const [g, group] of (model.weightsManifest as Array<{ paths?: unknown; weights?: unknown }>).entries()) {
    const where = `${modelJsonPath}: weightsManifest[${g}]`;
    if (!Array.isArray(group?.paths) || !group.paths.every((p) => typeof p === 'string')) throw new Error(`${where}.paths must be a list of file names`);
    if (!Array.isArray(group.weights)) throw new Error(`${where}.weights must be a list of weight specs`);
    for (const p of group.paths as string[]) {
      const shard = insideDir(dirname(file), p, `${where}.paths`);
      const bytes = readBounded(shard, MAX_WEIGHT_BYTES - total, 'weight shard');
      total += bytes.length;
      hash.update(bytes);
      chunks.push(bytes);
    }
    specs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  const declared = specs.reduce((sum, s) => sum + specBytes(s, modelJsonPath), 0);
  if (declared !== total) throw new Error(`${modelJsonPath}: the weight specs need ${declared} bytes, the shards hold ${total}`);
  const data = Buffer.concat(chunks);
  return {
    artifacts: {
      modelTopology: model.modelTopology as object,
      weightSpecs: specs,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      format: model.format,
      generatedBy: model.generatedBy,
      convertedBy: model.convertedBy ?? undefined,
      signature: model.signature,
      userDefinedMetadata: model.userDefinedMetadata as Record<string, object> | undefined,
      modelInitializer: model.modelInitializer,
    },
    sha256: hash.digest('hex'),
  };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function specBytes(s: tf.io.WeightsManifestEntry, file: string): number {
  if (typeof s?.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${file}: a weight spec needs a "name" and a "shape" of non-negative integers, got ${JSON.stringify(s).slice(0, 120)}`);
  }
  if (s.quantization) throw new Error(`${file}: weight "${s.name}" is quantized; expected unquantized weights`);
  const per = DTYPE_BYTES[s.dtype];
  if (per === undefined) throw new Error(`${file}: weight "${s.name}" has dtype "${s.dtype}"; expected float32, int32 or bool`);
  return s.shape.reduce((a, b) => a * b, 1) * per;
}

/** `name` resolved against `dir`, refused when it leaves it (absolute paths, `..`). */
function insideDir(dir: string, name: string, field: string): string {
  const path = resolve(dir, normalize(name));
  const rel = relative(dir, path);
  if (isAbsolute(name) || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${field}: "${name}" is outside the model's directory; expected a file name next to model.json`);
  return path;
}

function readBounded(path: string, max: number, what: string): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw new Error(`${path}: cannot read the ${what} (${err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err)})`, { cause: err });
  }
  if (size > max) throw new Error(`${path}: the ${what} is ${size} bytes; at most ${max} are read`);
  return readFileSync(path);
}

/**
 * A tfjs IOHandler for a directory on disk, for Node without @tensorflow/tfjs-node: `save` writes `model.json`
 * and one `weights.bin` (atomically, never over an existing model.json unless `overwrite`), `load` reads them
 * back through `readModelFiles`.
 */
export function fileSystemModel(dir: string, { overwrite = false }: { overwrite?: boolean } = {}): tf.io.IOHandler {
  const jsonPath = join(dir, 'model.json');
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (!(artifacts.modelTopology && !(artifacts.modelTopology instanceof ArrayBuffer))) throw new Error(`${jsonPath}: only JSON model topologies can be saved`);
      if (existsSync(jsonPath) && !overwrite) throw new Error(`${jsonPath}: a model is there already; pass { overwrite: true } to replace it`);
      mkdirSync(dir, { recursive: true });
      const weights = artifacts.weightData === undefined ? new Uint8Array(0) : concatWeightData(artifacts.weightData);
      writeFileAtomic(join(dir, 'weights.bin'), weights);
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      const json = {
        modelTopology: artifacts.modelTopology,
        weightsManifest: manifest,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeFileAtomic(jsonPath, `${JSON.stringify(json)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      return readModelFiles(jsonPath).artifacts;
    },
  };
}

function concatWeightData(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const parts = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}
