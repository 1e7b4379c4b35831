#!/usr/bin/env node
// floatjs's side of the trajectory comparison (trajectory.py compares it with the twin): trains fmnist-quick
// pgd-at (λ = 1) for STEPS steps with floatjs's own Trainer and loss mix, and writes into DIR
//   init.safetensors          the initial weights, `float export --layout pytorch` format (twin.py --init-from)
//   order.i32                 floatjs's batch order, every epoch the run reaches (twin.py --order-from)
//   floatjs-trace.jsonl       per step: lr, loss, and the training attack's success on the batch (inference mode)
//   floatjs-step<k>.safetensors  the weights after step k, for k in DUMP (comma-separated)
//   floatjs-xadv0.f32         the training attack's x_adv on the first batch (NHWC float32)
//   with PER_STEP=1, before every step k: floatjs-pre<k>.safetensors, floatjs-momentum<k>.safetensors, floatjs-xadv<k>.f32
// The training PGD starts without noise (randomStart false) unless RANDOM_START=1, so both sides are deterministic.
// Usage: node scripts/parity/trajectory.mjs DIR [steps=20] [seed=1] [dump=1,2,5,10,20]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { pgd } from '@floatjs/attacks';
import { batches, loadDataset } from '@floatjs/datasets';
import { learningRate, readVariables, Trainer } from '@floatjs/engine';
import { encodeSafetensors } from '@floatjs/checkpoint';
import { selectBackend } from '@floatjs/backend';
import { buildModel, getPreset } from '@floatjs/eval';

const [dir, stepsArg = '20', seedArg = '1', dumpArg = '1,2,5,10,20'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: trajectory.mjs DIR [steps] [seed] [dump]');
  process.exit(2);
}
const steps = Number(stepsArg);
const seed = Number(seedArg);
const dump = new Set(dumpArg.split(',').map(Number));
// PER_STEP=1: also the weights, momentum buffers and x_adv before every step (trajectory.py --per-step).
const perStep = process.env.PER_STEP === '1';
await selectBackend(process.env.FLOAT_BACKEND);
mkdirSync(dir, { recursive: true });

const preset = getPreset('fmnist-quick');
const attack = { ...preset.trainAttack, randomStart: process.env.RANDOM_START === '1' };
const ds = await loadDataset(preset.dataset, 'train', { limit: preset.trainLimit });
const input = { height: ds.height, width: ds.width, channels: ds.channels, numClasses: ds.numClasses };
const model = buildModel({ method: 'pgd-at', methodOptions: { lambda: 1 }, architecture: preset.model, input, seed, init: 'pytorch', training: { epochs: preset.epochs } });
const adversary = (logitsFn, x, y, s) => pgd(logitsFn, x, y, { ...attack, seed: s });
const trainer = new Trainer(model, { epochs: preset.epochs, lr: preset.lr, momentum: preset.momentum, weightDecay: preset.weightDecay, schedule: preset.schedule, seed, adversary });

/** Variables in twin.py's `load_floatjs` format (PyTorch layout: conv [out, in, kh, kw], dense [out, in]). */
async function dumpWeights(file, vars = model.variables) {
  const out = new Map();
  for (const [name, t] of await readVariables(vars)) {
    if (name.endsWith('.kernel') && t.shape.length === 4) {
      const [kh, kw, ci, co] = t.shape;
      const d = new Float32Array(t.data.length);
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) d[((o * ci + c) * kh + a) * kw + b] = t.data[((a * kw + b) * ci + c) * co + o];
      out.set(name, { shape: [co, ci, kh, kw], data: d });
    } else if (name.endsWith('.kernel') && t.shape.length === 2) {
      const [r, c] = t.shape;
      const d = new Float32Array(t.data.length);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) d[j * r + i] = t.data[i * c + j];
      out.set(name, { shape: [c, r], data: d });
    } else out.set(name, t);
  }
  writeFileSync(join(dir, file), encodeSafetensors(out, { format: 'floatjs', layout: 'pytorch' }));
}

await dumpWeights('init.safetensors');
const perEpoch = Math.ceil(ds.n / preset.batchSize);
const epochsReached = Math.ceil(steps / perEpoch);
const order = new Int32Array(epochsReached * ds.n);
const trace = [];
let step = 0;
for (let epoch = 0; epoch < epochsReached; epoch++) {
  for (const batch of batches(ds, { batchSize: preset.batchSize, shuffle: true, seed, epoch })) {
    order.set(batch.indices, epoch * ds.n + (step % perEpoch) * preset.batchSize);
    if (step >= steps) { step++; continue; }
    const lr = learningRate(preset.schedule, preset.lr, step, preset.epochs * perEpoch);
    // The training attack's success on this batch, crafted as the loss mix crafts it (deterministic without a random start).
    if (perStep) {
      await dumpWeights(`floatjs-pre${step}.safetensors`);
      await dumpWeights(`floatjs-momentum${step}.safetensors`, trainer.optimizer.momentum);
    }
    const attackAcc = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.size, ds.height, ds.width, ds.channels]);
      const y = tf.tensor1d(batch.y, 'int32');
      const f = model.logitsFn({});
      const xAdv = adversary(f, x, y, 1);
      if (step === 0 || perStep) writeFileSync(join(dir, `floatjs-xadv${step}.f32`), Buffer.from(xAdv.dataSync().buffer));
      const hits = (z) => tf.sum(tf.cast(tf.equal(tf.argMax(f(z), 1), y), 'float32')).dataSync()[0];
      return { clean: hits(x) / batch.size, adv: hits(xAdv) / batch.size };
    });
    const loss = trainer.trainStep(batch, lr, epoch);
    trace.push({ step, lr, loss, cleanAcc: attackAcc.clean, advAcc: attackAcc.adv });
    step++;
    if (dump.has(step)) await dumpWeights(`floatjs-step${step}.safetensors`);
  }
}
writeFileSync(join(dir, 'order.i32'), Buffer.from(order.buffer));
writeFileSync(join(dir, 'floatjs-trace.jsonl'), trace.map((t) => JSON.stringify(t)).join('\n') + '\n');
console.log(JSON.stringify({ event: 'trajectory', side: 'floatjs', dir, steps, seed, randomStart: attack.randomStart, numTensors: tf.memory().numTensors }));
trainer.dispose();
model.dispose();
