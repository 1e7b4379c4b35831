// Trains a small tfjs-layers CNN on Fashion-MNIST (no adversarial training) and saves it with
// model.save('file://…'), as a user of plain TensorFlow.js would; `float eval --model` then attacks it.
//
//   node examples/user-model/train-and-save.mjs runs/user-cnn [epochs] [images]
//   float eval --model runs/user-cnn/model.json --preset fmnist-quick --limit 200
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadDataset } from '@floatjs/datasets';
import { selectBackend } from '@floatjs/backend';
import { registerFileSystemRouter } from '@floatjs/eval';

const [out = 'runs/user-cnn', epochs = '2', images = '10000'] = process.argv.slice(2);
await selectBackend();
// file:// without @tensorflow/tfjs-node (a no-op when tfjs-node is installed).
registerFileSystemRouter();

const train = await loadDataset('fashion-mnist', 'train', { limit: Number(images) });
const x = tf.div(tf.tensor4d(Float32Array.from(train.images), [train.n, 28, 28, 1]), 255);
const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10);

const model = tfl.sequential({
  layers: [
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 64, activation: 'relu' }),
    // Logits, no softmax: attacks need them (float eval refuses probabilities unless --outputs probabilities).
    tfl.layers.dense({ units: 10 }),
  ],
});
model.compile({ optimizer: tf.train.adam(1e-3), loss: (t, p) => tf.losses.softmaxCrossEntropy(t, p), metrics: [] });
const history = await model.fit(x, y, { epochs: Number(epochs), batchSize: 128, shuffle: true, verbose: 0 });
await model.save(`file://${out}`);
console.log(JSON.stringify({ saved: `${out}/model.json`, epochs: Number(epochs), images: train.n, loss: history.history.loss.map(Number) }));
