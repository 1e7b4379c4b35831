#!/usr/bin/env node
// How much the sign function changes floatjs's PGD on one checkpoint: PGD (summed cross-entropy, last iterate)
// with tfjs's `tf.sign` and with `exactSign`, from the same random start, on the first n images of a split.
// Prints the adversarial accuracy of each and the share of gradient entries with 0 < |g| < FLT_EPSILON (which
// tfjs-backend-wasm's Sign maps to 0). Usage: node scripts/parity/attack-sign.mjs DIR [split=test] [n=1000] [steps=20]
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '@floatjs/datasets';
import { selectBackend } from '@floatjs/backend';
import { loadCheckpointModel } from '@floatjs/eval';

// The sign @floatjs/attacks now uses (exact-sign.ts): ±1 for every nonzero value.
const exactSign = (g) => tf.sub(tf.cast(tf.greater(g, 0), 'float32'), tf.cast(tf.less(g, 0), 'float32'));
const [dir, split = 'test', nArg = '1000', stepsArg = '20'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: attack-sign.mjs DIR [split] [n] [steps]');
  process.exit(2);
}
const backend = await selectBackend(process.env.FLOAT_BACKEND);
const { model } = loadCheckpointModel(dir);
const ds = await loadDataset('fashion-mnist', split, { limit: Number(nArg) });
const steps = Number(stepsArg);
const eps = 0.1;
const stepSize = steps === 7 ? (1.25 * eps) / 7 : (2.5 * eps) / steps;
const f = model.logitsFn({});
const x = tf.tidy(() => tf.div(tf.tensor4d(Float32Array.from(ds.images), [ds.n, ds.height, ds.width, ds.channels]), 255));
const y = tf.tensor1d(Int32Array.from(ds.labels), 'int32');
const start = tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomUniform(x.shape, -eps, eps, 'float32', 7)), 0, 1));
const loss = (z, yb) => tf.neg(tf.sum(tf.mul(tf.oneHot(yb, 10), tf.logSoftmax(f(z)))));
const result = {};
for (const [name, sign] of [['tf.sign', tf.sign], ['exactSign', exactSign]]) {
  let right = 0;
  let tiny = 0;
  let nonzero = 0;
  for (let i = 0; i < ds.n; i += 200) {
    const size = Math.min(200, ds.n - i);
    right += tf.tidy(() => {
      const xb = tf.slice(x, i, size);
      const yb = tf.slice(y, i, size);
      let z = tf.slice(start, i, size);
      for (let t = 0; t < steps; t++) {
        const g = tf.grad((v) => loss(v, yb))(z);
        if (name === 'exactSign' && t === 0) {
          const a = tf.abs(g);
          tiny += tf.sum(tf.cast(tf.logicalAnd(tf.greater(a, 0), tf.less(a, 1.1920929e-7)), 'float32')).dataSync()[0];
          nonzero += tf.sum(tf.cast(tf.greater(a, 0), 'float32')).dataSync()[0];
        }
        z = tf.clipByValue(tf.minimum(tf.maximum(tf.add(z, tf.mul(sign(g), stepSize)), tf.sub(xb, eps)), tf.add(xb, eps)), 0, 1);
      }
      return tf.sum(tf.cast(tf.equal(tf.argMax(f(z), 1), yb), 'float32')).dataSync()[0];
    });
  }
  result[name] = { advAcc: (100 * right) / ds.n, ...(nonzero ? { tinyGradShare: tiny / nonzero } : {}) };
}
const clean = tf.tidy(() => (100 * tf.sum(tf.cast(tf.equal(tf.argMax(f(x), 1), y), 'float32')).dataSync()[0]) / ds.n);
console.log(JSON.stringify({ event: 'attack-sign', dir, backend: backend.name, split, n: ds.n, steps, stepSize, clean, ...result }));
