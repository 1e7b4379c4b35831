import * as tf from '@tensorflow/tfjs-core';
import { Rng, type LayerInfo, type LayerVariableSpec, type Plugin } from '@floatjs/engine';
import { checkLambdaSet, DEFAULT_LAMBDAS, lambdaIndex, perSampleLambdas, randomOrthogonal } from './lambdas';

export interface FilmOptions {
  /** The λ set S_λ; its order fixes which encoding row each λ uses. Default OAT's [0, 0.1, 0.2, 0.3, 0.4, 1]. */
  lambdas?: readonly number[];
  /** Encoding dimension (OAT `--dim`), at least |S_λ|. Default 128. */
  dim?: number;
  /** Seeds the orthogonal encoding and the FiLM MLP initialisation. Default 1. */
  seed?: number;
}

/** Short names of the per-norm-layer FiLM variables (stored as `<norm layer>.film.fc1.kernel`, ...). */
export const FILM_VARS = {
  fc1Kernel: 'film.fc1.kernel',
  fc1Bias: 'film.fc1.bias',
  fc2Kernel: 'film.fc2.kernel',
  fc2Bias: 'film.fc2.bias',
} as const;

/** The model variable holding the λ encoding matrix (stored as `film.encoding`). */
export const ENCODING = 'encoding';

/** OAT's FiLM uses `F.leaky_relu` with PyTorch's default slope. */
const LEAKY_SLOPE = 0.01;

/**
 * Whether a layer gets FiLM: every norm layer except a shortcut's (OAT's ResNet BasicBlock has no FiLM on the
 * shortcut BN). Norm layers report role 'body', so a shortcut norm is recognised by a `shortcut` name segment.
 */
export function isFilmLayer(layer: Pick<LayerInfo, 'kind' | 'name'>): boolean {
  // OAT's WideResNetOAT has no FiLM after its final BN (the engine names it `head.bn`), only inside blocks.
  const parts = layer.name.split('.');
  return layer.kind === 'norm' && !parts.includes('shortcut') && parts[0] !== 'head';
}

/** Scalars FiLM adds to one norm layer with C channels: d·2C + 2C (fc1) + 2C·2C + 2C (fc2). */
export function filmParamsPerLayer(channels: number, dim: number): number {
  const h = 2 * channels;
  return dim * h + h + h * h + h;
}

interface FilmMlp {
  fc1Kernel: tf.Tensor2D;
  fc1Bias: tf.Tensor1D;
  fc2Kernel: tf.Tensor2D;
  fc2Bias: tf.Tensor1D;
}

/**
 * The layer's FiLM MLP for c channels. At the layer's full width these are its variables as they are. For
 * narrower features (a slimmable width) it is OAT's `SlimmableFiLM_Layer`, two `SlimmableLinear`s: the first
 * 2c hidden units and the first 2c outputs, so μ = out[:c] and σ = out[c:2c]; the slices pass the gradient
 * to those entries only.
 */
function filmMlpAt(layer: LayerInfo, c: number): FilmMlp {
  const ex = layer.extras;
  const full = {
    fc1Kernel: ex[FILM_VARS.fc1Kernel] as tf.Tensor2D,
    fc1Bias: ex[FILM_VARS.fc1Bias] as tf.Tensor1D,
    fc2Kernel: ex[FILM_VARS.fc2Kernel] as tf.Tensor2D,
    fc2Bias: ex[FILM_VARS.fc2Bias] as tf.Tensor1D,
  };
  if (c === layer.shape[0]) return full;
  const h = 2 * c;
  return {
    fc1Kernel: tf.slice(full.fc1Kernel, [0, 0], [full.fc1Kernel.shape[0], h]),
    fc1Bias: tf.slice(full.fc1Bias, 0, h),
    fc2Kernel: tf.slice(full.fc2Kernel, [0, 0], [h, h]),
    fc2Bias: tf.slice(full.fc2Bias, 0, h),
  };
}

/**
 * OAT's FiLM (models/FiLM.py, `FiLM_Layer` with alpha = 1) after every norm layer but a shortcut's:
 * `[μ, σ] = fc2(leaky_relu(fc1(e_λ)))`, `y = x ⊙ leaky_relu(μ) + leaky_relu(σ)` per channel, where e_λ is the
 * row of a random orthogonal dim×dim matrix at λ's position in the λ set.
 *
 * - The encoding matrix is a non-trainable model variable (`film.encoding`), so it is saved in
 *   `model.safetensors` and reloaded, never regenerated.
 * - The MLP weights are per-layer variables on each norm layer. The engine creates them filled with 0; the first
 *   forward through a layer whose `fc1` kernel is still all zero gives all four PyTorch's default Linear
 *   initialisation U(±1/√fan_in), seeded by `seed` and the layer name. Weights loaded from a checkpoint (or
 *   trained) are never all zero, so they are kept.
 * - The λ is `cond.lambda` for the whole batch, or one per sample from `cond['film.lambdas']`.
 * - Features narrower than the layer (a slimmable width, c = features' channels) use the first 2c hidden
 *   units and outputs of the MLP, as OAT's `SlimmableFiLM_Layer` (see `filmMlpAt`).
 *
 * One `film()` instance belongs to one model: build each model from a fresh recipe.
 */
export function film(options: FilmOptions = {}): Plugin {
  const lambdas = checkLambdaSet(options.lambdas ?? DEFAULT_LAMBDAS, 'film');
  const dim = options.dim ?? 128;
  if (!Number.isInteger(dim) || dim < lambdas.length) {
    throw new Error(`film: dim must be an integer ≥ the number of λs (${lambdas.length}), got ${dim}`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`film: seed must be an integer, got ${seed}`);
  let encoding: tf.Variable | null = null;
  const initialised = new WeakSet<tf.Variable>();

  function ensureInitialised(layer: LayerInfo): void {
    const k1 = layer.extras[FILM_VARS.fc1Kernel];
    if (initialised.has(k1)) return;
    const values = k1.dataSync();
    let allZero = true;
    for (let i = 0; i < values.length && allZero; i++) if (values[i] !== 0) allZero = false;
    if (allZero) {
      const c = layer.shape[0];
      const rng = Rng.derive(seed, `film:${layer.name}`);
      const fill = (name: string, shape: number[], fanIn: number) => {
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        const bound = 1 / Math.sqrt(fanIn);
        for (let i = 0; i < data.length; i++) data[i] = (rng.nextFloat() * 2 - 1) * bound;
        tf.tidy(() => layer.extras[name].assign(tf.tensor(data, shape)));
      };
      fill(FILM_VARS.fc1Kernel, [dim, 2 * c], dim);
      fill(FILM_VARS.fc1Bias, [2 * c], dim);
      fill(FILM_VARS.fc2Kernel, [2 * c, 2 * c], 2 * c);
      fill(FILM_VARS.fc2Bias, [2 * c], 2 * c);
    }
    initialised.add(k1);
  }

  return {
    name: 'film',
    options: { lambdas: [...lambdas], dim, seed },
    modelVariables: () => [{ name: ENCODING, shape: [dim, dim], init: randomOrthogonal(dim, seed), trainable: false }],
    bindModelVariables(vars) {
      if (encoding && !encoding.isDisposed && encoding !== vars[ENCODING]) {
        throw new Error('film: this plugin instance already belongs to a live model; build each model from a fresh recipe');
      }
      encoding = vars[ENCODING];
    },
    layerVariables(layer): LayerVariableSpec[] {
      if (!isFilmLayer(layer)) return [];
      const h = 2 * layer.shape[0];
      return [
        { name: FILM_VARS.fc1Kernel, shape: [dim, h], init: 0, trainable: true },
        { name: FILM_VARS.fc1Bias, shape: [h], init: 0, trainable: true },
        { name: FILM_VARS.fc2Kernel, shape: [h, h], init: 0, trainable: true },
        { name: FILM_VARS.fc2Bias, shape: [h], init: 0, trainable: true },
      ];
    },
    normalization: {
      wrap(features, layer, ctx) {
        if (!isFilmLayer(layer)) return features;
        if (!encoding || encoding.isDisposed) throw new Error('film: the λ encoding is not bound; was the model built with this recipe?');
        ensureInitialised(layer);
        const n = features.shape[0];
        const per = perSampleLambdas(ctx.cond, n);
        const rows = per ? Int32Array.from(per, (l) => lambdaIndex(lambdas, l)) : Int32Array.of(lambdaIndex(lambdas, ctx.cond.lambda));
        const c = features.shape[3];
        if (c > layer.shape[0]) throw new Error(`film: ${layer.name} got ${c} channels, more than the ${layer.shape[0]} it was built for`);
        const enc = encoding;
        return tf.tidy(() => {
          const mlp = filmMlpAt(layer, c);
          const e = tf.gather(enc, tf.tensor1d(rows, 'int32')) as tf.Tensor2D; // [m, dim]
          const hidden = tf.leakyRelu(tf.add(tf.matMul(e, mlp.fc1Kernel), mlp.fc1Bias), LEAKY_SLOPE);
          const out = tf.add(tf.matMul(hidden as tf.Tensor2D, mlp.fc2Kernel), mlp.fc2Bias) as tf.Tensor2D;
          const [mu, sigma] = tf.split(out, 2, 1);
          const m = rows.length;
          const scale = tf.reshape(tf.leakyRelu(mu, LEAKY_SLOPE), [m, 1, 1, c]);
          const shift = tf.reshape(tf.leakyRelu(sigma, LEAKY_SLOPE), [m, 1, 1, c]);
          return tf.add(tf.mul(features, scale), shift) as tf.Tensor4D;
        });
      },
    },
  };
}
