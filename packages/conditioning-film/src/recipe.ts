import { condition, type Condition, type Plugin } from '@floatjs/engine';
import { filmDualNorm } from './dual-norm';
import { film } from './film';
import { checkLambdaSet, DEFAULT_LAMBDAS, inLambdaSet, isZeroLambda } from './lambdas';
import { oatLossMix } from './loss-mix';

export interface OatOptions {
  /** The λ set S_λ, shared by FiLM (encoding rows) and the loss mix (sampling). Default [0, 0.1, 0.2, 0.3, 0.4, 1]. */
  lambdas?: readonly number[];
  /** Encoding dimension. Default 128. */
  dim?: number;
  /** Seeds the encoding matrix and the FiLM initialisation. Default 1. */
  seed?: number;
}

/** The full OAT recipe: FiLM after every norm layer, dual BN (BN_C only at λ = 0) and the per-sample λ loss mix. */
export function oat(options: OatOptions = {}): Plugin[] {
  const lambdas = checkLambdaSet(options.lambdas ?? DEFAULT_LAMBDAS, 'oat');
  return [film({ lambdas, dim: options.dim, seed: options.seed }), filmDualNorm(), oatLossMix({ lambdas })];
}

/**
 * The deployed condition of an OAT model at λ: BN_C iff λ = 0, FiLM at λ's encoding. OAT is deterministic
 * and has no noise, so λn is 0.
 */
export function oatCondition(lambda: number, lambdas: readonly number[] = DEFAULT_LAMBDAS): Condition {
  if (!inLambdaSet(lambdas, lambda)) throw new Error(`oat: λ = ${lambda} is not in the model's λ set {${lambdas.join(', ')}}`);
  return condition({ lambda, lambdaN: 0, norm: isZeroLambda(lambda) ? 'clean' : 'adv' });
}

/** The requested λs that are in the set, each with its deployed condition (λs outside the set are skipped). */
export function oatSettings(requested: readonly number[], lambdas: readonly number[] = DEFAULT_LAMBDAS): Array<{ lambda: number; cond: Condition }> {
  return requested.filter((l) => inLambdaSet(lambdas, l)).map((lambda) => ({ lambda, cond: oatCondition(lambda, lambdas) }));
}
