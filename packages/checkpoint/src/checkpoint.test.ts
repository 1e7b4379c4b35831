import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@floatjs/random';
import { writeFileAtomic } from './atomic-write';
import { loadWeights, readRecipe, RECIPE_FILE, saveCheckpoint, WEIGHTS_FILE } from './checkpoint';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { condition, createModel, type InputSpec } from '@floatjs/engine';
import { bitEqual, useStockBackend } from '@floatjs/engine/testing';

const MNIST: InputSpec = { height: 28, width: 28, channels: 1, numClasses: 10 };
const CIFAR: InputSpec = { height: 32, width: 32, channels: 3, numClasses: 10 };

let root: string;
beforeAll(async () => {
  await useStockBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'floatjs-ckpt-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function input(spec: InputSpec, n: number, seed: number): tf.Tensor4D {
  const data = new Rng(seed).fillNormal(new Float32Array(n * spec.height * spec.width * spec.channels), 0.5);
  return tf.tensor4d(data, [n, spec.height, spec.width, spec.channels]);
}

function logits(model: ReturnType<typeof createModel>, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => model.logitsFn({}).call(null, x).dataSync() as Float32Array);
}

describe.each([
  ['cnn-s', MNIST],
  ['resnet20', CIFAR],
] as const)('checkpoint round trip: %s', (arch, spec) => {
  it('saveCheckpoint → new model with the same recipe → loadWeights gives bit-identical logits', async () => {
    const dir = join(root, `rt-${arch}`);
    const a = createModel(arch, spec, [], 11);
    const x = input(spec, 4, 5);
    // A training forward moves the running statistics away from their (0, 1) initial values.
    tf.tidy(() => a.forward(x, condition({ training: true })));
    const recipe = { architecture: arch, input: spec, seed: 11 };
    await saveCheckpoint(dir, a, recipe);
    expect(readdirSync(dir).sort()).toEqual([WEIGHTS_FILE, RECIPE_FILE].sort());
    expect(readRecipe(dir)).toEqual(recipe);

    const b = createModel(arch, spec, [], 99);
    const before = logits(b, x);
    const want = logits(a, x);
    expect(bitEqual(before, want)).toBe(false);
    const tensorsBefore = tf.memory().numTensors;
    const { sha256 } = loadWeights(dir, b);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // The hash of exactly the bytes loaded, as sha256sum gives it for the file.
    expect(sha256).toBe(createHash('sha256').update(readFileSync(join(dir, WEIGHTS_FILE))).digest('hex'));
    for (const [name, v] of a.variables) {
      expect(bitEqual(b.variables.get(name)!.dataSync() as Float32Array, v.dataSync() as Float32Array), name).toBe(true);
    }
    expect(bitEqual(logits(b, x), want)).toBe(true);

    const { metadata, tensors } = decodeSafetensors(readFileSync(join(dir, WEIGHTS_FILE)), 'x');
    expect(metadata.architecture).toBe(arch);
    expect(tensors.size).toBe(a.variables.size);
    a.dispose();
    b.dispose();
    x.dispose();
  });
});

describe('loadWeights errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(root, 'errs');
    const m = createModel('cnn-s', MNIST, [], 1);
    await saveCheckpoint(dir, m, {});
    m.dispose();
  });

  function withTensors(name: string, edit: (t: Map<string, { shape: number[]; data: Float32Array }>) => void): string {
    const d = join(root, name);
    const { tensors } = decodeSafetensors(readFileSync(join(dir, WEIGHTS_FILE)), 'x');
    edit(tensors);
    writeFileAtomic(join(d, WEIGHTS_FILE), encodeSafetensors(tensors));
    return d;
  }

  it('names missing variables', () => {
    const d = withTensors('missing', (t) => t.delete('bn2.movingMean'));
    const m = createModel('cnn-s', MNIST, [], 1);
    expect(() => loadWeights(d, m)).toThrow(`${join(d, WEIGHTS_FILE)}: weights do not match the model (missing bn2.movingMean)`);
    m.dispose();
  });

  it('names unexpected tensors', () => {
    const d = withTensors('extra', (t) => t.set('conv9.kernel', { shape: [1], data: new Float32Array(1) }));
    const m = createModel('cnn-s', MNIST, [], 1);
    expect(() => loadWeights(d, m)).toThrow(/weights do not match the model \(unexpected conv9\.kernel\)/);
    m.dispose();
  });

  it('lists both, truncated, for a different architecture', () => {
    const m = createModel('resnet20', CIFAR, [], 1);
    expect(() => loadWeights(dir, m)).toThrow(/missing stem\.conv\.kernel, .* and 100 more; unexpected bn1\.beta, .* and 10 more\)$/);
    m.dispose();
  });

  it('names the tensor on a shape mismatch and leaves the model untouched', () => {
    const m = createModel('cnn-s', { ...MNIST, channels: 3 }, [], 1);
    const before = m.variables.get('fc.kernel')!.dataSync().slice();
    expect(() => loadWeights(dir, m)).toThrow(/tensor "conv1\.kernel" has shape \[3,3,1,32\], the model expects \[3,3,3,32\]/);
    expect(Array.from(m.variables.get('fc.kernel')!.dataSync())).toEqual(Array.from(before));
    m.dispose();
  });

  it('reports a missing weights file and a missing or bad recipe with the path', () => {
    const m = createModel('cnn-s', MNIST, [], 1);
    const empty = join(root, 'empty');
    expect(() => loadWeights(empty, m)).toThrow(`${join(empty, WEIGHTS_FILE)}: not found`);
    expect(() => readRecipe(empty)).toThrow(`${join(empty, RECIPE_FILE)}: not found`);
    writeFileAtomic(join(empty, RECIPE_FILE), '{ nope');
    expect(() => readRecipe(empty)).toThrow(`${join(empty, RECIPE_FILE)}: not valid JSON`);
    m.dispose();
  });
});

describe('writeFileAtomic', () => {
  it('writes, overwrites, creates parent directories and leaves no .tmp file', () => {
    const dir = join(root, 'atomic', 'nested');
    const path = join(dir, 'file.bin');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(readFileSync(path))).toEqual([1, 2, 3]);
    writeFileAtomic(path, 'text ✓');
    expect(readFileSync(path, 'utf8')).toBe('text ✓');
    writeFileSync(join(dir, 'other'), 'x');
    expect(readdirSync(dir).sort()).toEqual(['file.bin', 'other']);
    expect(readdirSync(dir).some((f) => f.includes('.tmp'))).toBe(false);
  });

  it('writes a large buffer completely', () => {
    const path = join(root, 'atomic', 'big.bin');
    const data = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => i % 251);
    writeFileAtomic(path, data);
    expect(readFileSync(path).equals(Buffer.from(data))).toBe(true);
    expect(readdirSync(join(root, 'atomic')).some((f) => f.includes('.tmp'))).toBe(false);
  });
});

describe('plugin state in checkpoints', () => {
  /** A plugin whose state stands in for pruning masks: whatever was set is what a reload must see. */
  function stateful() {
    let state: unknown = null;
    return { name: 'masks', getState: () => state, setState: (s: unknown) => void (state = s), set: (s: unknown) => void (state = s), get: () => state };
  }

  it('travels in the weights file metadata and is restored by loadWeights', async () => {
    const dir = join(root, 'state');
    const p = stateful();
    p.set({ version: 1, bits: 'AQID' });
    const a = createModel('cnn-s', MNIST, [p], 1);
    await saveCheckpoint(dir, a, { architecture: 'cnn-s' });
    const { metadata } = decodeSafetensors(readFileSync(join(dir, WEIGHTS_FILE)), 'x');
    expect(JSON.parse(metadata.pluginState)).toEqual({ masks: { version: 1, bits: 'AQID' } });
    const q = stateful();
    const b = createModel('cnn-s', MNIST, [q], 2);
    loadWeights(dir, b);
    expect(q.get()).toEqual({ version: 1, bits: 'AQID' });
    a.dispose();
    b.dispose();
  });

  it('falls back to trainer-state.json for checkpoints written before, and names a corrupt state', async () => {
    const dir = join(root, 'legacy');
    const a = createModel('cnn-s', MNIST, [], 1);
    await saveCheckpoint(dir, a, { architecture: 'cnn-s' });
    writeFileSync(join(dir, 'trainer-state.json'), JSON.stringify({ plugins: { masks: { legacy: true } } }));
    const q = stateful();
    const b = createModel('cnn-s', MNIST, [q], 2);
    loadWeights(dir, b);
    expect(q.get()).toEqual({ legacy: true });

    const { tensors } = decodeSafetensors(readFileSync(join(dir, WEIGHTS_FILE)), 'x');
    writeFileSync(join(dir, WEIGHTS_FILE), encodeSafetensors(tensors, { pluginState: '{oops' }));
    expect(() => loadWeights(dir, b)).toThrow(/model\.safetensors: __metadata__\.pluginState is not valid JSON/);
    a.dispose();
    b.dispose();
  });
});
