#!/usr/bin/env node
// Writes a floatjs checkpoint's logits for the first n Fashion-MNIST test images at one deterministic condition
// (float32, n × classes, row-major), for twin.py's `logits` check of `float export --layout pytorch`.
// Usage: node scripts/parity/floatjs-logits.mjs DIR OUT.f32 [n=200] [lambda=0]
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@floatjs/backend';
import { loadDataset } from '@floatjs/datasets';
import { getMethod, loadCheckpointModel } from '@floatjs/eval';

const [dir, out, nArg = '200', lambdaArg = '0'] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: floatjs-logits.mjs DIR OUT.f32 [n] [lambda]');
  process.exit(2);
}
await selectBackend(process.env.FLOAT_BACKEND);
const { recipe, model } = loadCheckpointModel(dir);
const ds = await loadDataset(recipe.dataset, 'test', { limit: Number(nArg) });
const lambda = Number(lambdaArg);
// The method's own λ → condition mapping (FLOAT: Eq. 6 with λ_th = 0); baselines have one condition.
const setting = getMethod(recipe.method).settings([lambda], [0])[0];
if (setting.randomized) throw new Error(`λ = ${lambda} is a randomized condition; logits are compared where the forward is deterministic`);
const cond = setting.cond;
const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(ds.images), [ds.n, ds.height, ds.width, ds.channels]), 255));
const logits = model.logitsFn(cond)(x);
writeFileSync(out, Buffer.from((await logits.data()).buffer));
console.log(JSON.stringify({ event: 'logits', dir, out, n: ds.n, cond }));
