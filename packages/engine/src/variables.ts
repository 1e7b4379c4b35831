import * as tf from '@tensorflow/tfjs-core';

/** One float32 tensor in host memory: how variables are stored, exported and narrowed. */
export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

/** Reads every variable into host memory, keyed by its model name. */
export async function readVariables(vars: ReadonlyMap<string, tf.Variable>): Promise<Map<string, StoredTensor>> {
  const out = new Map<string, StoredTensor>();
  for (const [name, v] of vars) out.set(name, { shape: [...v.shape], data: (await v.data()) as Float32Array });
  return out;
}

/** Assigns stored values to variables; names and shapes must match exactly (`source` names the origin in errors). */
export function assignVariables(vars: ReadonlyMap<string, tf.Variable>, tensors: ReadonlyMap<string, StoredTensor>, source: string): void {
  const missing = [...vars.keys()].filter((n) => !tensors.has(n));
  const extra = [...tensors.keys()].filter((n) => !vars.has(n));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
    if (extra.length) parts.push(`unexpected ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}`);
    throw new Error(`${source}: weights do not match the model (${parts.join('; ')})`);
  }
  for (const [name, v] of vars) {
    const t = tensors.get(name)!;
    if (t.shape.join(',') !== v.shape.join(',')) {
      throw new Error(`${source}: tensor "${name}" has shape [${t.shape}], the model expects [${v.shape}]`);
    }
  }
  for (const [name, v] of vars) {
    const t = tensors.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
  }
}
