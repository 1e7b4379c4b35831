import * as tf from '@tensorflow/tfjs-core';
import { condition, crossEntropy, type Plugin, type PreparedLoss, type Rng } from '@floatjs/engine';
import { checkLambdaSet, DEFAULT_LAMBDAS, FILM_LAMBDAS, inLambdaSet, isZeroLambda } from './lambdas';

export interface OatLossOptions {
  /** The λ set S_λ sampled from; must equal film()'s. Default OAT's [0, 0.1, 0.2, 0.3, 0.4, 1]. */
  lambdas?: readonly number[];
  /**
   * Replaces OAT's sampler (e.g. to fix the λs in a test): returns one λ from the set per sample.
   * Not recorded in the recipe.
   */
  sampler?: (batchSize: number, rng: Rng) => ArrayLike<number>;
}

/** What `prepare` returns: the engine's PreparedLoss plus the λ sampled for each row of the batch. */
export interface OatPreparedLoss extends PreparedLoss {
  lambdas: readonly number[];
}

/**
 * OAT's element-wise sampling (utils/sample_lambda.py, `--sampling ew`, probs = −1): the first ⌈B/|S|⌉ rows get
 * λ = 0, every other row a λ drawn uniformly from the non-zero choices. Without 0 in the set every row draws
 * from the whole set; a set of only 0 gives all zeros.
 */
export function sampleLambdas(batchSize: number, lambdas: readonly number[], rng: Rng): number[] {
  const nonZero = lambdas.filter((l) => !isZeroLambda(l));
  const hasZero = nonZero.length < lambdas.length;
  const zeros = !hasZero ? 0 : nonZero.length === 0 ? batchSize : Math.min(batchSize, Math.ceil(batchSize / lambdas.length));
  const out = new Array<number>(batchSize).fill(0);
  for (let i = zeros; i < batchSize; i++) out[i] = nonZero[Math.min(nonZero.length - 1, Math.floor(rng.nextFloat() * nonZero.length))];
  return out;
}

/**
 * OAT's training step (OAT.py, `--use2BN`, efficient mode): per-sample λ_i from S_λ;
 * loss = mean_i((1 − λ_i)·CE(f(x_i; λ_i), y_i) + λ_i·CE(f(x_adv,i; λ_i), y_i)).
 *
 * - Rows with λ = 0 form the clean group: one training forward through BN_C; they are not attacked (their
 *   adversarial weight is 0), as in OAT's efficient mode.
 * - Rows with λ > 0 form the adversarial group: PGD against the model in inference mode, BN_A, each row at its
 *   own λ (`cond['film.lambdas']`); then a clean training forward (clean images through BN_A, as OAT does) and
 *   an adversarial training forward, both through BN_A, in that order (BN_A's running statistics see the
 *   clean rows first, then the adversarial ones, as in OAT).
 * - OAT runs the two groups as one forward through DualBN (rows [0, idx) → BN_C, [idx, B) → BN_A); each BN
 *   normalizes its rows with their own batch statistics and FiLM is per sample, so two separate forwards give
 *   the same values and gradients.
 */
export function oatLossMix(options: OatLossOptions = {}): Plugin {
  const lambdas = checkLambdaSet(options.lambdas ?? DEFAULT_LAMBDAS, 'oatLossMix');
  const sampler = options.sampler;
  return {
    name: 'oat-loss',
    options: { lambdas: [...lambdas] },
    lossMix: {
      prepare({ model, x, y, adversary, rng }): OatPreparedLoss {
        if (!adversary) throw new Error('oat training needs an adversary (the training attack); none was configured');
        const n = x.shape[0];
        const lam = Array.from(sampler ? sampler(n, rng) : sampleLambdas(n, lambdas, rng));
        if (lam.length !== n) throw new Error(`oatLossMix: the sampler returned ${lam.length} λs for a batch of ${n}`);
        for (const l of lam) {
          if (!inLambdaSet(lambdas, l)) throw new Error(`oatLossMix: sampled λ = ${l} is not in the λ set {${lambdas.join(', ')}}`);
        }
        const zeroRows: number[] = [];
        const advRows: number[] = [];
        lam.forEach((l, i) => (isZeroLambda(l) ? zeroRows : advRows).push(i));
        const advLambdas = advRows.map((i) => lam[i]);
        const take = <T extends tf.Tensor>(t: T, rows: number[]): T | null =>
          rows.length === 0 ? null : rows.length === n ? (tf.clone(t) as T) : (tf.tidy(() => tf.gather(t, tf.tensor1d(rows, 'int32'))) as T);
        const x0 = take(x, zeroRows);
        const y0 = take(y, zeroRows);
        const xa = take(x, advRows);
        const ya = take(y, advRows);
        // `lambda` of the adversarial group is informational (FiLM reads the per-sample λs); the mean describes it.
        const groupLambda = advLambdas.length ? advLambdas.reduce((a, b) => a + b, 0) / advLambdas.length : 1;
        const advCond = { lambda: groupLambda, lambdaN: 0, norm: 'adv' as const, [FILM_LAMBDAS]: advLambdas };
        let xAdv: tf.Tensor4D | null = null;
        try {
          if (xa && ya) xAdv = adversary(model.logitsFn(advCond, rng), xa, ya, rng.nextSeed());
        } catch (error) {
          disposeAll([x0, y0, xa, ya]);
          throw error;
        }
        const cleanTrain = condition({ lambda: 0, lambdaN: 0, norm: 'clean', training: true });
        const advTrain = condition({ ...advCond, training: true });
        return {
          lambdas: lam,
          loss: () =>
            tf.tidy(() => {
              const terms: tf.Scalar[] = [];
              if (x0 && y0) terms.push(tf.sum(crossEntropy(model.forward(x0, cleanTrain, rng), y0)) as tf.Scalar);
              if (xa && ya && xAdv) {
                const w = tf.tensor1d(advLambdas);
                const lc = crossEntropy(model.forward(xa, advTrain, rng), ya);
                const la = crossEntropy(model.forward(xAdv, advTrain, rng), ya);
                terms.push(tf.sum(tf.add(tf.mul(lc, tf.sub(1, w)), tf.mul(la, w))) as tf.Scalar);
              }
              return tf.div(terms.length === 1 ? terms[0] : tf.addN(terms), n) as tf.Scalar;
            }),
          dispose: () => disposeAll([x0, y0, xa, ya, xAdv]),
        };
      },
    },
  };
}

function disposeAll(tensors: Array<tf.Tensor | null>): void {
  for (const t of tensors) t?.dispose();
}
