import type { MethodKit, NarrowVariable } from '@floatjs/engine';
import { FILM_VARS } from './film';
import { filmParamsFor } from './film-cost';
import { oat, oatSettings } from './recipe';

const FILM_NAMES: ReadonlySet<string> = new Set(Object.values(FILM_VARS));

/**
 * OAT's FiLM MLP at width w (`SlimmableFiLM_Layer`): fc1 `[dim, 2C]` keeps its dim inputs and 2⌊wC⌋ outputs,
 * the rest `[2C]` / `[2C, 2C]` keep 2⌊wC⌋ per axis: μ and σ of the ⌊wC⌋ channels the narrow norm has.
 */
export function filmNarrowExtra({ name, shape, channels }: NarrowVariable): number[] | undefined {
  if (!FILM_NAMES.has(name)) return undefined;
  const h = 2 * channels;
  return name === FILM_VARS.fc1Kernel ? [shape[0], h] : shape.map(() => h);
}

/**
 * The `oat` method: FiLM, dual BN and per-sample λ training; deterministic, no λ_th, and evaluated only at λs of
 * its set S_λ (`options.lambdas`, else OAT's default). Eq. 9's delay; FiLM MLPs sliced in narrow exports.
 */
export const oatKit: MethodKit = {
  name: 'oat',
  description:
    'OAT: FiLM after every BN (λ encoded by a saved random orthogonal matrix), dual BN (BN_C only at λ = 0), per-sample λ training (1−λ)·L_C + λ·L_A; any λ of the set at inference',
  adversarial: true,
  plugins: (o) => oat({ lambdas: o.lambdas as number[] | undefined, dim: o.dim as number | undefined, seed: o.filmSeed as number | undefined }),
  settings: (lambdas, _ths, o) =>
    oatSettings(lambdas, o?.lambdas as number[] | undefined).map(({ lambda, cond }) => ({ lambda, lambdaTh: null, cond, width: 1, randomized: false })),
  cost: {
    delayKind: 'oat',
    /** The FiLM modules at the encoding width `options.dim` (default 128); the second BN set is not included. */
    extraParams: (layers, o) => filmParamsFor(layers, { encodingDim: (o?.dim as number | undefined) ?? 128 }),
  },
  narrow: { narrowExtra: filmNarrowExtra },
};
