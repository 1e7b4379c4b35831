import type { Plugin } from '@floatjs/engine';
import { isZeroLambda, perSampleLambdas } from './lambdas';

/**
 * OAT's dual batch norm: every norm layer holds two independent sets (γ, β, running statistics), `clean`
 * (BN_C) and `adv` (BN_A), chosen by the condition's `norm`. OAT's rule, checked here: BN_C only where λ = 0,
 * BN_A for every λ > 0. A condition that breaks it (e.g. `{ lambda: 0.2 }` with the default `norm: 'clean'`)
 * throws instead of silently using the wrong statistics.
 *
 * The same idea as `@floatjs/conditioning-float`'s `dualNorm()` (same variable names, `<bn>.clean.gamma`, ...),
 * under its own plugin name so the two packages stay independent.
 */
export function filmDualNorm(): Plugin {
  const segments = ['clean', 'adv'] as const;
  return {
    name: 'film-dual-norm',
    options: {},
    normalization: {
      segments,
      select(layer, cond) {
        const per = perSampleLambdas(cond);
        const lambdas = per ? Array.from(per) : [cond.lambda];
        const wantClean = cond.norm === 'clean';
        for (const l of lambdas) {
          if (isZeroLambda(l) !== wantClean) {
            throw new Error(
              `film-dual-norm: ${layer.name} got norm "${cond.norm}" for λ = ${l}; OAT uses BN_C (norm 'clean') exactly when λ = 0 and BN_A (norm 'adv') for every λ > 0`,
            );
          }
        }
        return cond.norm;
      },
    },
  };
}
