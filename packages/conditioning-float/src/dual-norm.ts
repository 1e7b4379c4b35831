import type { Plugin } from '@floatjs/engine';

/**
 * Dual batch norm: every norm layer holds two independent sets (γ, β, running statistics),
 * `clean` (BN_C) and `adv` (BN_A), chosen by the condition's `norm` field.
 */
export function dualNorm(): Plugin {
  const segments = ['clean', 'adv'] as const;
  return {
    name: 'dual-norm',
    options: {},
    normalization: {
      segments,
      select: (_layer, cond) => cond.norm,
    },
  };
}
