// ESM quickstart, run from a project that installed the packed tarballs: a cnn-s with FLOAT, two training
// steps, save and load, PGD and a tiny AutoAttack. Prints one JSON line; exits non-zero on any failure.
import * as tf from '@tensorflow/tfjs-core';
import { createModel, Trainer } from '@floatjs/engine';
import { loadWeights, saveCheckpoint } from '@floatjs/checkpoint';
import { selectBackend } from '@floatjs/backend';
import { float } from '@floatjs/conditioning-float';
import { attackAccuracy, autoAttack, pgd } from '@floatjs/attacks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const backend = await selectBackend();
const input = { height: 28, width: 28, channels: 1, numClasses: 10 };
const n = 16;
const images = Float32Array.from({ length: n * 784 }, (_, i) => ((i * 2654435761) % 1000) / 1000);
const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
const data = { batchesPerEpoch: 2, *batches() { for (let b = 0; b < 2; b++) yield { x: images.subarray(b * 8 * 784, (b + 1) * 8 * 784), y: labels.subarray(b * 8, (b + 1) * 8), size: 8 }; } };
const model = createModel('cnn-s', input, float(), 1);
const trainer = new Trainer(model, {
  epochs: 1, lr: 0.1, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', seed: 1,
  adversary: (f, x, y, seed) => pgd(f, x, y, { eps: 0.1, steps: 2, stepSize: 0.05, seed }),
});
const epochs = await trainer.fit(data);
const dir = mkdtempSync(join(tmpdir(), 'floatjs-quickstart-'));
await saveCheckpoint(dir, model, { quickstart: true });
const again = createModel('cnn-s', input, float(), 2);
loadWeights(dir, again);
const x = tf.tensor4d(images, [n, 28, 28, 1]);
const y = tf.tensor1d(labels, 'int32');
const clean = model.logitsFn({ lambdaN: 0, norm: 'clean' });
const same = tf.tidy(() => tf.max(tf.abs(tf.sub(clean(x), again.logitsFn({ lambdaN: 0, norm: 'clean' })(x)))).dataSync()[0]);
const { ca, ra } = await attackAccuracy((f, xb, yb) => pgd(f, xb, yb, { eps: 0.1, steps: 3, stepSize: 0.08, seed: 1 }), clean, x, y, { batchSize: 8 });
const aa = await autoAttack(clean, x, y, { eps: 0.1, version: 'standard', nIter: 3, nQueries: 20, seed: 0 });
aa.xAdv.dispose();
console.log(JSON.stringify({ quickstart: 'esm', backend: backend.name, native: backend.native ?? null, steps: epochs.reduce((a, e) => a + (e.steps ?? 0), 0), maxLogitDiffAfterLoad: same, ca, ra, autoAttackRa: aa.report.robustAccuracy }));
if (same !== 0) process.exit(1);
