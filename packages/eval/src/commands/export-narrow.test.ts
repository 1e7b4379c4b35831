import * as tf from '@tensorflow/tfjs-core';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, PLUGIN_STATE_KEY, WEIGHTS_FILE } from '@floatjs/checkpoint';
import { maxRelErr } from '@floatjs/engine/testing';
import type { PruningPlugin } from '@floatjs/pruning';
import { narrowShape, slicePrefix } from '@floatjs/slimmable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointModel } from '../recipes/checkpoint-model';
import { runEval } from './evaluate';
import { exportNarrow, measureNarrowLatency, narrowParity, noiseFreeSettings } from './export-narrow';
import { getMethod } from '../recipes/methods';
import { runTrain } from './train';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';

const dataDir = writeTinyDataset(64, 20);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const SLIM = ['float-slim', 'floats-slim', 'oat-slim'] as const;
const run = (m: string) => join(dataDir, m);
const narrowDir = (m: string) => join(dataDir, m, 'narrow-0.5');

beforeAll(async () => {
  for (const method of SLIM) await runTrain({ preset: tinyPreset().name, method, out: run(method), dataDir, verify: false, quiet: true, seed: 4 });
}, 240_000);

describe('slimmable methods', () => {
  it('train both widths and evaluate every setting at width 1 and 0.5', () => {
    for (const method of SLIM) {
      const s = getMethod(method).settings([0, 1], [0]);
      const base = getMethod(getMethod(method).slim!.base).settings([0, 1], [0]);
      expect(s.map((x) => [x.lambda, x.width, x.cond.width])).toEqual([...base.map((b) => [b.lambda, 1, 1]), ...base.map((b) => [b.lambda, 0.5, 0.5])]);
    }
    for (const m of ['float', 'floats-i', 'oat', 'pgd-at']) expect(getMethod(m).settings([0, 1], [0]).every((s) => s.width === 1)).toBe(true);
  });
});

describe('exportNarrow', () => {
  it.each(SLIM)('%s: the width-0.5 export is a smaller checkpoint of the base method computing the width-0.5 sub-network', async (method) => {
    const r = await exportNarrow(run(method), narrowDir(method), 0.5);
    const base = getMethod(method).slim!.base;
    expect(r).toMatchObject({ method: base, slimMethod: method, architecture: 'cnn-s-w0_5', width: 0.5 });
    const recipe = JSON.parse(readFileSync(join(narrowDir(method), 'recipe.json'), 'utf8'));
    expect(recipe).toMatchObject({ method: base, architecture: 'cnn-s-w0_5', slimmable: { method, architecture: 'cnn-s', width: 0.5 } });
    expect(recipe.plugins.map((p: { name: string }) => p.name)).not.toContain('width-slice');

    const before = tf.memory().numTensors;
    const wide = loadCheckpointModel(run(method)).model;
    const narrow = loadCheckpointModel(narrowDir(method)).model;
    expect(narrow.variables.get('conv2.kernel')!.shape).toEqual([3, 3, 16, 32]);
    expect(narrow.variables.get('conv1.kernel')!.shape).toEqual([3, 3, 1, 16]);
    // cnn-s: conv3 [3,3,64,128] → [3,3,32,64], then global pooling; the classifier keeps its 10 classes.
    expect(narrow.layers.find((l) => l.role === 'classifier')!.shape).toEqual([64, 10]);
    // About a quarter of the kernels; the wide model also holds a norm set per width.
    const kernels = (m: typeof wide) => m.paramCount((n) => n.endsWith('.kernel') && !n.includes('film')).total;
    expect(kernels(narrow) / kernels(wide)).toBeGreaterThan(0.24);
    expect(kernels(narrow) / kernels(wide)).toBeLessThan(0.3);
    expect(r.params.narrow.trainable).toBeLessThan(r.params.wide.trainable / 3);
    expect(r.params.narrow.trainable).toBe(narrow.paramCount().trainable);

    // Inference at λn = 0: the narrow logits are the wide model's at width 0.5 (and not its full-width logits).
    const settings = noiseFreeSettings(base);
    expect(settings.length).toBeGreaterThan(1);
    expect(narrowParity(wide, narrow, 0.5, base)).toBeLessThan(1e-5);
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    for (const { cond } of settings) {
      const f = (m: typeof wide, c: typeof cond) => tf.tidy(() => m.logitsFn(c)(x).dataSync() as Float32Array);
      expect(maxRelErr(f(narrow, cond), f(wide, { ...cond, width: 0.5 }))).toBeLessThan(1e-5);
      expect(maxRelErr(f(narrow, cond), f(wide, cond))).toBeGreaterThan(1e-3);
    }
    x.dispose();

    if (method === 'oat-slim') {
      expect(narrow.variables.get('bn1.film.fc1.kernel')!.shape).toEqual([128, 32]);
      expect(narrow.variables.get('bn3.film.fc2.kernel')!.shape).toEqual([128, 128]);
      expect(narrow.variables.get('film.encoding')!.shape).toEqual([128, 128]);
    }
    const file = join(narrowDir(method), WEIGHTS_FILE);
    const stored = decodeSafetensors(readFileSync(file), file).metadata[PLUGIN_STATE_KEY];
    if (method === 'floats-slim') {
      expect(r.pluginStates).toEqual(['sparse-momentum']);
      expect(Object.keys(JSON.parse(stored!))).toEqual(['sparse-momentum']);
      const masks = (m: typeof wide) => (m.host.plugins.find((p) => p.name === 'sparse-momentum') as PruningPlugin).masks();
      for (const layer of wide.layers.filter((l) => l.kind === 'conv2d')) {
        const full = masks(wide).get(layer.name)!;
        const mine = masks(narrow).get(layer.name)!;
        const size = narrowShape(layer, 0.5);
        expect(mine.shape).toEqual(size);
        expect(Array.from(mine.bits)).toEqual(Array.from(slicePrefix(full.bits, full.shape, size)));
        const kernel = narrow.variables.get(`${layer.name}.kernel`)!.dataSync();
        mine.bits.forEach((b, i) => b === 0 && expect(kernel[i]).toBe(0));
      }
    } else {
      expect(r.pluginStates).toEqual([]);
      expect(stored).toBeUndefined();
    }
    wide.dispose();
    narrow.dispose();
    // Model.dispose also frees the mask plugins' cached mask tensors (Plugin.dispose).
    expect(tf.memory().numTensors).toBe(before);
  });

  it('float eval reads the export as a checkpoint of the base method (every setting at width 1)', async () => {
    const report = await runEval(narrowDir('float-slim'), { dataDir, verify: false, quiet: true, lambdas: [0, 1], lambdaThs: [0], limit: 10 });
    expect(report.method).toBe('float');
    expect(report.rows.map((r) => [r.lambda, r.width])).toEqual([[0, 1], [1, 1]]);
  });

  it('times the full width, width 0.5 and the exported model', () => {
    const rows = measureNarrowLatency(run('float-slim'), narrowDir('float-slim'), { batch: 16, reps: 2, warmup: 1 });
    expect(rows.map((r) => r.lambda)).toEqual([0, 1]);
    for (const r of rows) {
      for (const ms of [r.wideMs, r.wideAtWidthMs, r.narrowMs]) expect(ms).toBeGreaterThan(0);
      expect(r.speedup).toBeCloseTo(r.wideMs / r.narrowMs, 12);
    }
  });

  it('refuses a model that is not slimmable and a width it was not trained at', async () => {
    const plain = join(dataDir, 'float');
    await runTrain({ preset: tinyPreset().name, method: 'standard', out: plain, dataDir, verify: false, quiet: true, epochs: 1 });
    await expect(exportNarrow(plain, join(dataDir, 'x'), 0.5)).rejects.toThrow(/method "standard" is not slimmable; --width needs a model trained with float-slim, floats-slim, oat-slim/);
    await expect(exportNarrow(run('float-slim'), join(dataDir, 'y'), 0.25)).rejects.toThrow(/--width: 0.25 is not a width .* was trained at; expected one of 1, 0.5/);
  });
});
