import { condition, pgdAtLossMix, standardLossMix, type Condition, type PluginOption } from '@floatjs/engine';
import { float, mapLambda } from '@floatjs/conditioning-float';
import { channelPrune, sparseMomentum } from '@floatjs/pruning';
import { oat, oatSettings } from '@floatjs/conditioning-film';

/** One evaluated configuration of a trained model. */
export interface EvalSetting {
  /** The user's λ, or null for a model without a λ knob. */
  lambda: number | null;
  lambdaTh: number | null;
  cond: Condition;
  /** True when forwards draw noise, so attacks need EOT and verdicts vary between draws. */
  randomized: boolean;
}

export interface MethodDef {
  name: string;
  description: string;
  /** Whether training crafts adversarial examples. */
  adversarial: boolean;
  /** `run` carries facts of the training run that plugins may schedule by (e.g. sparse momentum's decay). */
  plugins(options: Record<string, unknown>, run?: { epochs?: number }): PluginOption;
  settings(lambdas: number[], lambdaThs: number[]): EvalSetting[];
}

const fixedModel = (): EvalSetting[] => [{ lambda: null, lambdaTh: null, cond: condition(), randomized: false }];

const methods = new Map<string, MethodDef>();

export function registerMethod(m: MethodDef): void {
  if (methods.has(m.name)) throw new Error(`method "${m.name}" is already registered`);
  methods.set(m.name, m);
}

export function methodNames(): string[] {
  return [...methods.keys()];
}

export function getMethod(name: string): MethodDef {
  const m = methods.get(name);
  if (!m) throw new Error(`--method: unknown method "${name}"; expected one of: ${methodNames().join(', ')}`);
  return m;
}

/** FLOAT's evaluated settings: every (λ, λ_th) pair mapped by Eq. 6 (shared by the FLOATS variants). */
function floatSettings(lambdas: number[], lambdaThs: number[]): EvalSetting[] {
  return lambdaThs.flatMap((th) =>
    lambdas.map((l) => {
      const s = mapLambda(l, th);
      return { lambda: l, lambdaTh: th, cond: condition({ lambda: l, lambdaN: s.lambdaN, norm: s.norm }), randomized: s.lambdaN > 0 };
    }),
  );
}

registerMethod({
  name: 'standard',
  description: 'clean training (no attack), one BN',
  adversarial: false,
  plugins: () => [standardLossMix()],
  settings: fixedModel,
});

registerMethod({
  name: 'pgd-at',
  description: 'PGD adversarial training with one BN and a fixed λ: (1−λ)·L_C + λ·L_A (default λ = 1, Madry)',
  adversarial: true,
  plugins: (o) => [pgdAtLossMix({ lambda: (o.lambda as number | undefined) ?? 1 })],
  settings: fixedModel,
});

registerMethod({
  name: 'float',
  description: 'FLOAT: noisy weights W + λn·α·η, dual BN, binary-λ training; λ tunable at inference (Eq. 6)',
  adversarial: true,
  plugins: (o) => float({ alphaInit: o.alphaInit as number | undefined }),
  settings: floatSettings,
});

registerMethod({
  name: 'floats-i',
  description: 'FLOATS-i: FLOAT + sparse-momentum prune/regrow of conv weights at density d (default 0.3), noise masked',
  adversarial: true,
  plugins: (o, run) => [
    ...float({ alphaInit: o.alphaInit as number | undefined }),
    sparseMomentum({
      density: (o.density as number | undefined) ?? 0.3,
      epochs: (o.epochs as number | undefined) ?? run?.epochs,
      totalSteps: o.totalSteps as number | undefined,
    }),
  ],
  settings: floatSettings,
});

registerMethod({
  name: 'floats-c',
  description: 'FLOATS-c: FLOAT + global input-channel pruning of convs at density d (default 0.3), noise masked',
  adversarial: true,
  plugins: (o) => [...float({ alphaInit: o.alphaInit as number | undefined }), channelPrune({ density: (o.density as number | undefined) ?? 0.3 })],
  settings: floatSettings,
});

registerMethod({
  name: 'oat',
  description: 'OAT: FiLM after every BN (λ encoded by a saved random orthogonal matrix), dual BN (BN_C only at λ = 0), per-sample λ training (1−λ)·L_C + λ·L_A; any λ of the set at inference',
  adversarial: true,
  plugins: (o) =>
    oat({ lambdas: o.lambdas as number[] | undefined, dim: o.dim as number | undefined, seed: o.filmSeed as number | undefined }),
  // OAT is deterministic and has no λ_th. λs outside the default set S_λ are skipped (settings cannot see a
  // custom set passed as methodOptions.lambdas). lambdaN carries λ so each λ gets its own condition key.
  settings: (lambdas) => oatSettings(lambdas).map(({ lambda, cond }) => ({ lambda, lambdaTh: null, cond, randomized: false })),
});
