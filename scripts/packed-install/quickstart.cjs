// CommonJS quickstart: the same packages through require(), with @floatjs/attacks on tfjs-core and a backend only.
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
require('@floatjs/attacks/register-gradients');
const { fgsm, pgd } = require('@floatjs/attacks');
const { createModel } = require('@floatjs/engine');
const { float } = require('@floatjs/conditioning-float');

(async () => {
  await tf.setBackend('cpu');
  const w = tf.randomNormal([16, 10], 0, 1, 'float32', 3);
  const linear = (x) => tf.matMul(tf.reshape(x, [x.shape[0], 16]), w);
  const x = tf.randomUniform([4, 4, 4, 1], 0, 1, 'float32', 4);
  const y = tf.tensor1d([0, 1, 2, 3], 'int32');
  const a = pgd(linear, x, y, { eps: 0.1, steps: 3, stepSize: 0.05, seed: 1 });
  const b = fgsm(linear, x, y, { eps: 0.1 });
  const moved = tf.max(tf.abs(tf.sub(a, x))).dataSync()[0];
  const model = createModel('cnn-s', { height: 28, width: 28, channels: 1, numClasses: 10 }, float(), 1);
  console.log(JSON.stringify({ quickstart: 'cjs', pgdMaxPerturbation: moved, fgsmShape: b.shape, modelParams: model.paramCount() }));
  if (!(moved > 0 && moved <= 0.1 + 1e-6)) process.exit(1);
})().catch((e) => { console.error(e); process.exit(1); });
