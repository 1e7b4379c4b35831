import * as tf from '@tensorflow/tfjs-core';
import type { LogitsFn } from '@floatjs/engine';
import { readModelFiles } from './file-io';

/** How the attacked function turns pixels in [0, 1] into what the model was trained on, and reads its output. */
export interface UserModelOptions {
  /** Per-channel mean subtracted inside the attacked function (after scaling to [0, 1]), e.g. CIFAR's 0.4914,0.4822,0.4465. */
  mean?: number[];
  /** Per-channel standard deviation divided by, with `mean`. */
  std?: number[];
  /** What the model outputs: `logits` (default) or `probabilities` (a final softmax; the attack then uses log p). */
  outputs?: 'logits' | 'probabilities';
}

export interface UserModel {
  kind: 'layers' | 'graph';
  /** Pixels in [0, 1], NHWC → logits; normalization and the log of probabilities happen inside. */
  logitsFn: LogitsFn;
  /** sha256 over model.json and its weight files, in manifest order. */
  sha256: string;
  /** The per-image input shape the model declares (`[h, w, c]`; -1 where it accepts any size). */
  inputShape: number[];
  dispose(): void;
}

type Layers = typeof import('@tensorflow/tfjs-layers');
type Converter = typeof import('@tensorflow/tfjs-converter');

/**
 * A user's tfjs model (`model.json` in the `tfjs_layers_model` format that `model.save` writes, or the
 * converter's `tfjs_graph_model`) as the function attacks need. It runs in inference mode (dropout off, batch
 * norm on its moving statistics), and normalization is part of the attacked function, so the ε-ball is in pixel
 * space, as in AutoAttack and RobustBench. @tensorflow/tfjs-layers or @tensorflow/tfjs-converter (optional peer
 * dependencies) must be installed for the format.
 */
export async function loadUserModel(path: string, opts: UserModelOptions = {}): Promise<UserModel> {
  const { artifacts, sha256 } = readModelFiles(path);
  const handler: tf.io.IOHandler = { load: async () => artifacts };
  const graph = artifacts.format === 'graph-model' || (artifacts.modelTopology as { node?: unknown }).node !== undefined;
  let predict: (x: tf.Tensor4D) => tf.Tensor;
  let inputShape: number[];
  let dispose: () => void;
  if (graph) {
    const converter = await optional<Converter>('@tensorflow/tfjs-converter', path, 'a tfjs_graph_model');
    const model = await converter.loadGraphModel(handler);
    predict = (x) => model.predict(x) as tf.Tensor;
    inputShape = (model.inputs[0]?.shape ?? []).slice(1);
    dispose = () => model.dispose();
  } else {
    const layers = await optional<Layers>('@tensorflow/tfjs-layers', path, 'a tfjs_layers_model');
    const model = await layers.loadLayersModel(handler);
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      model.dispose();
      throw new Error(`${path}: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; expected one image input and one output`);
    }
    predict = (x) => model.predict(x) as tf.Tensor;
    inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? -1);
    dispose = () => model.dispose();
  }
  let normalize: Normalizer;
  try {
    normalize = normalizer(path, opts, inputShape);
  } catch (err) {
    dispose();
    throw err;
  }
  const logProbs = opts.outputs === 'probabilities';
  const logitsFn: LogitsFn = (x) =>
    tf.tidy(() => {
      const out = predict(normalize(x));
      if (out.rank !== 2) throw new Error(`${path}: the model's output has shape [${out.shape.join(', ')}]; expected [batch, classes]`);
      // log p is a valid logit vector: softmax(log p) = p, and its gradient does not vanish where p saturates.
      return (logProbs ? tf.log(tf.maximum(out, 1e-30)) : out) as tf.Tensor2D;
    });
  return {
    kind: graph ? 'graph' : 'layers',
    logitsFn,
    sha256,
    inputShape,
    dispose: () => {
      normalize.dispose();
      dispose();
    },
  };
}

/**
 * Refuses a model whose outputs look like probabilities (every row non-negative, summing to 1) unless the user
 * said so: cross-entropy on a softmax of probabilities has almost no gradient, which makes every gradient
 * attack look weak (the classic gradient-masking mistake), so the attack must see log p instead.
 */
export function checkOutputs(path: string, logitsFn: LogitsFn, probe: tf.Tensor4D, outputs: UserModelOptions['outputs'], numClasses: number): void {
  const out = logitsFn(probe);
  const [rows, classes] = out.shape;
  const looksLikeProbs = tf.tidy(() => {
    const nonNegative = tf.min(out).dataSync()[0] >= 0;
    const sums = tf.sum(out, 1);
    return nonNegative && tf.max(tf.abs(tf.sub(sums, 1))).dataSync()[0] < 1e-4;
  });
  out.dispose();
  if (classes !== numClasses) throw new Error(`${path}: the model gives ${classes} outputs per image; the dataset has ${numClasses} classes`);
  if (outputs !== 'probabilities' && looksLikeProbs && rows > 0) {
    throw new Error(`${path}: the outputs are probabilities (non-negative, every row sums to 1); attacks need logits: remove the final softmax, or pass --outputs probabilities to attack log p`);
  }
}

/** (x − mean)/std with the constants made once (not on every forward of every attack step). */
type Normalizer = ((x: tf.Tensor4D) => tf.Tensor4D) & { dispose(): void };

function normalizer(path: string, opts: UserModelOptions, inputShape: number[]): Normalizer {
  const { mean, std } = opts;
  if (mean === undefined && std === undefined) return Object.assign((x: tf.Tensor4D) => x, { dispose: () => {} });
  if (mean === undefined || std === undefined) throw new Error(`--${mean === undefined ? 'mean' : 'std'}: expected both --mean and --std, one value per channel`);
  const channels = inputShape[2];
  if (mean.length !== std.length || (channels > 0 && mean.length !== channels && mean.length !== 1)) {
    throw new Error(`--mean/--std: expected ${channels > 0 ? channels : 'one per channel'} values each (or one for all channels), got ${mean.length} and ${std.length} for ${path}`);
  }
  if (std.some((s) => !(s > 0))) throw new Error(`--std: expected positive values, got ${std.join(',')}`);
  const m = tf.tensor1d(mean);
  const s = tf.tensor1d(std);
  return Object.assign((x: tf.Tensor4D) => tf.tidy(() => tf.div(tf.sub(x, m), s) as tf.Tensor4D), { dispose: () => tf.dispose([m, s]) });
}

async function optional<T>(pkg: string, path: string, what: string): Promise<T> {
  try {
    return (await import(pkg)) as T;
  } catch (err) {
    throw new Error(`${path} is ${what}: install ${pkg} (npm install ${pkg}@4.22.0) to evaluate it (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, { cause: err });
  }
}
