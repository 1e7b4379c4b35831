import { condition, type EvalSetting, type MethodKit } from '@floatjs/engine';
import { mapLambda } from './lambda-map';
import { ALPHA } from './noisy-weight';
import { float } from './recipe';

/** FLOAT's evaluated settings: every (λ, λ_th) pair mapped by Eq. 6 to a norm set and a noise scale λn. */
export function floatSettings(lambdas: readonly number[], lambdaThs: readonly number[]): EvalSetting[] {
  return lambdaThs.flatMap((th) =>
    lambdas.map((l) => {
      const s = mapLambda(l, th);
      return { lambda: l, lambdaTh: th, cond: condition({ lambda: l, lambdaN: s.lambdaN, norm: s.norm }), width: 1, randomized: s.lambdaN > 0 };
    }),
  );
}

/** The `float` method: its plugins, its λ → condition settings, Eq. 8's delay, and α rescaled in narrow exports. */
export const floatKit: MethodKit = {
  name: 'float',
  description: 'FLOAT: noisy weights W + λn·α·η, dual BN, binary-λ training; λ tunable at inference (Eq. 6)',
  adversarial: true,
  plugins: (o) => float({ alphaInit: o.alphaInit as number | undefined }),
  settings: floatSettings,
  cost: { delayKind: 'float' },
  // α scales noise drawn with the std of the whole kernel, so a narrow kernel needs α rescaled (see NarrowRules).
  narrow: { stdScaled: [ALPHA] },
};
