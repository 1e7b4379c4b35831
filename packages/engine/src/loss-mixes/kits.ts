import { condition } from '../condition';
import type { EvalSetting, MethodKit } from '../method-kit';
import { pgdAtLossMix } from './pgd-at';
import { standardLossMix } from './standard';

/** A model without a λ knob is evaluated once, at the default condition. */
export const fixedModelSettings = (): EvalSetting[] => [{ lambda: null, lambdaTh: null, cond: condition(), width: 1, randomized: false }];

/** Clean training, one BN. */
export const standardKit: MethodKit = {
  name: 'standard',
  description: 'clean training (no attack), one BN',
  adversarial: false,
  plugins: () => [standardLossMix()],
  settings: fixedModelSettings,
};

/** Madry's PGD-AT with one BN, generalised to a fixed λ (`options.lambda`, default 1). */
export const pgdAtKit: MethodKit = {
  name: 'pgd-at',
  description: 'PGD adversarial training with one BN and a fixed λ: (1−λ)·L_C + λ·L_A (default λ = 1, Madry)',
  adversarial: true,
  plugins: (o) => [pgdAtLossMix({ lambda: (o.lambda as number | undefined) ?? 1 })],
  settings: fixedModelSettings,
};
