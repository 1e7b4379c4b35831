import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '@floatjs/datasets';
import { selectBackend } from '@floatjs/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-utils/run-cli';
import { writeTinyDataset } from '../test-utils/tiny-dataset';
import { tinyPreset } from '../test-utils/tiny-preset';
import { runEvalModel } from './eval-model';
import { fileSystemModel, readModelFiles } from './file-io';
import { registerFileSystemRouter } from './file-router';
import { loadUserModel } from './load-user-model';

const dataDir = writeTinyDataset();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('cpu');
});

function smallCnn(seed: number, final: 'linear' | 'softmax' = 'linear', inputShape = [28, 28, 1]): tfl.Sequential {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed + s });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape, filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(0) }),
      tfl.layers.batchNormalization(),
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.dense({ units: 10, activation: final, kernelInitializer: init(1) }),
    ],
  });
}

async function saved(model: tfl.LayersModel, name: string): Promise<string> {
  const dir = join(dataDir, name);
  await model.save(fileSystemModel(dir));
  return join(dir, 'model.json');
}

const images = (n: number, seed = 1) => tf.randomUniform([n, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;

describe('a user tfjs model on disk', () => {
  it('round-trips through model.json + weights.bin with the same logits, in inference mode (dropout off)', async () => {
    const model = smallCnn(1);
    const path = await saved(model, 'roundtrip');
    const user = await loadUserModel(path);
    const x = images(6);
    const want = model.predict(x) as tf.Tensor;
    const got = user.logitsFn(x);
    expect(user.kind).toBe('layers');
    expect(user.inputShape).toEqual([28, 28, 1]);
    expect(tf.max(tf.abs(tf.sub(want, got))).dataSync()[0]).toBe(0);
    // Inference mode: two forwards agree although the model has dropout.
    expect(Array.from(user.logitsFn(x).dataSync())).toEqual(Array.from(got.dataSync()));
    const bytes = Buffer.concat([readFileSync(path), readFileSync(join(path, '..', 'weights.bin'))]);
    expect(user.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    await expect(model.save(fileSystemModel(join(path, '..')))).rejects.toThrow(/model\.json: a model is there already/);
    tf.dispose([x, want, got]);
    user.dispose();
  });

  it('puts --mean/--std inside the attacked function and refuses mismatched channel counts', async () => {
    const model = smallCnn(2);
    const path = await saved(model, 'normalized');
    const user = await loadUserModel(path, { mean: [0.3], std: [0.2] });
    const x = images(4, 2);
    const want = model.predict(tf.div(tf.sub(x, 0.3), 0.2)) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(want, user.logitsFn(x)))).dataSync()[0]).toBeLessThan(1e-5);
    await expect(loadUserModel(path, { mean: [0.1, 0.2], std: [1, 1] })).rejects.toThrow(/--mean\/--std: expected 1 values each/);
    await expect(loadUserModel(path, { mean: [0.1] })).rejects.toThrow(/--std: expected both --mean and --std/);
    user.dispose();
  });

  it('refuses probabilities unless --outputs probabilities, and then attacks log p', async () => {
    const model = smallCnn(3, 'softmax');
    const path = await saved(model, 'softmax');
    const base = { preset: tinyPreset().name, dataDir, verify: false, quiet: true, limit: 10 };
    await expect(runEvalModel(path, { ...base, json: join(dataDir, 'p0.json') })).rejects.toThrow(/the outputs are probabilities .* pass --outputs probabilities to attack log p/);
    const user = await loadUserModel(path, { outputs: 'probabilities' });
    const x = images(3, 3);
    const p = model.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(tf.softmax(user.logitsFn(x)), p))).dataSync()[0]).toBeLessThan(1e-6);
    const report = await runEvalModel(path, { ...base, outputs: 'probabilities', json: join(dataDir, 'p1.json') });
    expect(report.rows[0].ra).toBeLessThanOrEqual(report.rows[0].ca);
    user.dispose();
  });

  it('float eval --model: CA/RA of the one setting (CA the plain model’s, RA = CA at ε = 0), with provenance naming the weights', async () => {
    const model = smallCnn(4);
    const path = await saved(model, 'evaluated');
    const json = join(dataDir, 'eval-model.json');
    const { code, stderr } = await runCli('eval', '--model', path, '--preset', tinyPreset().name, '--data-dir', dataDir, '--no-verify', '--limit', '20', '--json', json, '--quiet');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.method).toBe('tfjs-layers-model');
    expect(report.checkpoint).toBe(path);
    expect(report.testImages).toBe(20);
    expect(report.rows).toHaveLength(1);
    const row = report.rows[0];
    expect(row).toMatchObject({ lambda: null, randomized: false, draws: 1, attack: 'pgd-3' });
    expect(report.provenance.weightsSha256).toBe(readModelFiles(path).sha256);
    // CA is the plain model's accuracy on the same 20 images.
    const test = await loadDataset('fashion-mnist', 'test', { dir: dataDir, verify: false, limit: 20 });
    const x = tf.div(tf.tensor4d(Float32Array.from(test.images), [20, 28, 28, 1]), 255);
    const predicted = tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync();
    const correct = Array.from(predicted).filter((p, i) => p === test.labels[i]).length;
    expect(row.ca).toBeCloseTo((100 * correct) / 20, 10);
    expect(row.ra).toBeLessThanOrEqual(row.ca);
    const none = await runEvalModel(path, { preset: tinyPreset().name, dataDir, verify: false, quiet: true, limit: 20, eps: 0, json: join(dataDir, 'eps0.json') });
    expect(none.rows[0].ra).toBe(none.rows[0].ca);
  });

  it('names the file and field for a model that does not fit or is not a tfjs model', async () => {
    const wrongShape = await saved(smallCnn(5, 'linear', [32, 32, 3]), 'cifar-shaped');
    const base = { preset: tinyPreset().name, dataDir, verify: false, quiet: true, limit: 10 };
    await expect(runEvalModel(wrongShape, { ...base, json: join(dataDir, 'w.json') })).rejects.toThrow(/takes images of shape \[32, 32, 3\]; fashion-mnist has \[28, 28, 1\]/);
    await expect(runEvalModel(wrongShape, { ...base, lambdas: [0.5] })).rejects.toThrow(/^--lambdas: .* has no λ/);
    const { code, stderr } = await runCli('eval', '--model', wrongShape);
    expect(code).toBe(1);
    expect(stderr).toBe('float: error: --preset: --model needs the preset whose test set and attack to use\n');
  });
});

describe('float check --model', () => {
  it('runs the obfuscated-gradients checklist on a user model and writes check.json next to it', async () => {
    const path = await saved(smallCnn(7), 'checked');
    const { code, stderr } = await runCli('check', '--model', path, '--preset', tinyPreset().name, '--data-dir', dataDir, '--no-verify', '--limit', '20', '--quiet');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(path, '..', 'check.json'), 'utf8'));
    expect(report).toMatchObject({ format: 'floatjs-check', method: 'tfjs-layers-model', checkpoint: path, testImages: 20 });
    expect(report.conditions).toHaveLength(1);
    expect(report.conditions[0]).toMatchObject({ lambda: null, randomized: false, eot: 1 });
    expect(report.conditions[0].report.checks.length).toBeGreaterThanOrEqual(5);
    expect(report.provenance.weightsSha256).toBe(readModelFiles(path).sha256);
    expect(existsSync(join(path, '..', 'check-eps.png'))).toBe(true);
  }, 120_000);
});

describe('readModelFiles on hostile input', () => {
  function modelDir(name: string, json: unknown, weights?: Uint8Array): string {
    const dir = join(dataDir, 'hostile', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
    if (weights) writeFileSync(join(dir, 'weights.bin'), weights);
    return join(dir, 'model.json');
  }
  const topology = { class_name: 'Sequential', config: {} };

  it('refuses weight paths outside the model directory, wrong sizes, bad JSON and missing fields, naming the file', () => {
    const escape = modelDir('escape', { modelTopology: topology, weightsManifest: [{ paths: ['../../../etc/passwd'], weights: [] }] });
    expect(() => readModelFiles(escape)).toThrow(/weightsManifest\[0\]\.paths: "\.\.\/\.\.\/\.\.\/etc\/passwd" is outside the model's directory/);
    const short = modelDir('short', { modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [4, 4], dtype: 'float32' }] }] }, new Uint8Array(8));
    expect(() => readModelFiles(short)).toThrow(/model\.json: the weight specs need 64 bytes, the shards hold 8/);
    expect(() => readModelFiles(modelDir('notjson', '{"modelTopology": '))).toThrow(/model\.json: not JSON .*expected a tfjs model\.json/);
    expect(() => readModelFiles(modelDir('notopo', { weightsManifest: [] }))).toThrow(/model\.json: no "modelTopology" object/);
    const quantized = modelDir('quant', { modelTopology: topology, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8' } }] }] }, new Uint8Array(2));
    expect(() => readModelFiles(quantized)).toThrow(/weight "w" is quantized/);
    expect(() => readModelFiles(join(dataDir, 'hostile', 'absent', 'model.json'))).toThrow(/model\.json: cannot read the model\.json/);
    expect(existsSync(join(dataDir, 'hostile', 'escape'))).toBe(true);
  });
});

describe('a GraphModel (tfjs_graph_model)', () => {
  it('loads through @tensorflow/tfjs-converter and gives the graph’s logits', async () => {
    // x [-1, 28, 28, 1] → reshape [-1, 784] → MatMul W [784, 10] → BiasAdd b: a hand-written converter output.
    const w = tf.randomNormal([784, 10], 0, 0.05, 'float32', 7);
    const b = tf.randomNormal([10], 0, 0.1, 'float32', 8);
    const shape = new Int32Array([-1, 784]);
    const weights = Buffer.concat([Buffer.from(w.dataSync().buffer), Buffer.from(b.dataSync().buffer), Buffer.from(shape.buffer)]);
    const dim = (ds: number[]) => ({ dim: ds.map((d) => ({ size: String(d) })) });
    const node = (name: string, op: string, input: string[], attr: object) => ({ name, op, input, attr });
    const constNode = (name: string, dtype: string, ds: number[]) => node(name, 'Const', [], { value: { tensor: { dtype, tensorShape: dim(ds) } }, dtype: { type: dtype } });
    const graph = {
      format: 'graph-model',
      generatedBy: 'hand-written test',
      convertedBy: 'none',
      modelTopology: {
        node: [
          node('x', 'Placeholder', [], { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim([-1, 28, 28, 1]) } }),
          constNode('W', 'DT_FLOAT', [784, 10]),
          constNode('b', 'DT_FLOAT', [10]),
          constNode('shape', 'DT_INT32', [2]),
          node('flat', 'Reshape', ['x', 'shape'], { T: { type: 'DT_FLOAT' }, Tshape: { type: 'DT_INT32' } }),
          node('mm', 'MatMul', ['flat', 'W'], { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } }),
          node('logits', 'BiasAdd', ['mm', 'b'], { T: { type: 'DT_FLOAT' }, data_format: { s: Buffer.from('NHWC').toString('base64') } }),
        ],
        library: {},
        versions: { producer: 1 },
      },
      weightsManifest: [
        {
          paths: ['weights.bin'],
          weights: [
            { name: 'W', shape: [784, 10], dtype: 'float32' },
            { name: 'b', shape: [10], dtype: 'float32' },
            { name: 'shape', shape: [2], dtype: 'int32' },
          ],
        },
      ],
    };
    const dir = join(dataDir, 'graph');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), JSON.stringify(graph));
    writeFileSync(join(dir, 'weights.bin'), weights);
    const user = await loadUserModel(join(dir, 'model.json'));
    expect(user.kind).toBe('graph');
    expect(user.inputShape).toEqual([28, 28, 1]);
    const x = images(5, 9);
    const want = tf.add(tf.matMul(tf.reshape(x, [5, 784]), w), b);
    expect(tf.max(tf.abs(tf.sub(want, user.logitsFn(x)))).dataSync()[0]).toBeLessThan(1e-5);
    // Differentiable, so every gradient attack runs on it.
    const g = tf.grad((input: tf.Tensor) => tf.sum(user.logitsFn(input as tf.Tensor4D)))(x);
    expect(g.shape).toEqual([5, 28, 28, 1]);
    expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    user.dispose();
  });
});

describe('registerFileSystemRouter', () => {
  it("makes model.save('file://…') and tf.loadLayersModel('file://…/model.json') work without tfjs-node", async () => {
    registerFileSystemRouter();
    registerFileSystemRouter();
    const model = smallCnn(6);
    const dir = join(dataDir, 'router');
    await model.save(`file://${dir}`);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    const back = await tfl.loadLayersModel(`file://${dir}/model.json`);
    const x = images(2, 4);
    expect(tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor))).dataSync()[0]).toBe(0);
  });
});
