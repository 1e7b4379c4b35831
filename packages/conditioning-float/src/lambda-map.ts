export interface FloatSetting {
  /** The user's trade-off knob in [0, 1]. */
  lambda: number;
  lambdaTh: number;
  norm: 'clean' | 'adv';
  /** Noise re-scaling λn in [0, 1]. */
  lambdaN: number;
}

/**
 * Eq. 6 of the paper: λ ≤ λ_th selects BN_C with λn = λ/λ_th; above it, BN_A with
 * λn = (λ − λ_th)/(1 − λ_th). With λ_th = 0 this is OAT's rule: BN_C only at λ = 0, and λn = λ.
 */
export function mapLambda(lambda: number, lambdaTh: number): FloatSetting {
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`λ must be in [0, 1], got ${lambda}`);
  if (!(lambdaTh >= 0 && lambdaTh < 1)) throw new Error(`λ_th must be in [0, 1), got ${lambdaTh}`);
  if (lambda <= lambdaTh) {
    return { lambda, lambdaTh, norm: 'clean', lambdaN: lambdaTh === 0 ? 0 : lambda / lambdaTh };
  }
  return { lambda, lambdaTh, norm: 'adv', lambdaN: (lambda - lambdaTh) / (1 - lambdaTh) };
}
