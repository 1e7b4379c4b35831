import { condition, pgdAtLossMix, standardLossMix, type Condition, type PluginOption } from '@floatjs/engine';
import { float, mapLambda } from '@floatjs/conditioning-float';
import { channelPrune, sparseMomentum } from '@floatjs/pruning';
import { oat, oatSettings } from '@floatjs/conditioning-film';
import { slimRecipe, withWidths } from '@floatjs/slimmable';

/** One evaluated configuration of a trained model. */
export interface EvalSetting {
  /** The user's λ, or null for a model without a λ knob. */
  lambda: number | null;
  lambdaTh: number | null;
  cond: Condition;
  /** The slimmable width (channel slimming factor) the setting runs at; 1 for every non-slimmable method. */
  width: number;
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
  /** `options`: the run's recorded methodOptions (OAT's λ set decides which λs it can be evaluated at). */
  settings(lambdas: number[], lambdaThs: number[], options?: Record<string, unknown>): EvalSetting[];
  /** Slimmable methods: the trained widths, and the method a width-w sub-network is exported as (`exportNarrow`). */
  slim?: { base: string; widths: readonly number[] };
}

const fixedModel = (): EvalSetting[] => [{ lambda: null, lambdaTh: null, cond: condition(), width: 1, randomized: false }];

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
      return { lambda: l, lambdaTh: th, cond: condition({ lambda: l, lambdaN: s.lambdaN, norm: s.norm }), width: 1, randomized: s.lambdaN > 0 };
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
  description: 'FLOATS-c: FLOAT + input-channel prune/regrow of convs (prune rate 0.5, linear decay, momentum regrowth) at global density d (default 0.3), noise masked',
  adversarial: true,
  plugins: (o, run) => [
    ...float({ alphaInit: o.alphaInit as number | undefined }),
    channelPrune({
      density: (o.density as number | undefined) ?? 0.3,
      epochs: (o.epochs as number | undefined) ?? run?.epochs,
      totalSteps: o.totalSteps as number | undefined,
    }),
  ],
  settings: floatSettings,
});

registerMethod({
  name: 'oat',
  description: 'OAT: FiLM after every BN (λ encoded by a saved random orthogonal matrix), dual BN (BN_C only at λ = 0), per-sample λ training (1−λ)·L_C + λ·L_A; any λ of the set at inference',
  adversarial: true,
  plugins: (o) =>
    oat({ lambdas: o.lambdas as number[] | undefined, dim: o.dim as number | undefined, seed: o.filmSeed as number | undefined }),
  // OAT is deterministic and has no λ_th. λs outside the model's set S_λ (methodOptions.lambdas, else OAT's
  // default) are skipped.
  settings: (lambdas, _ths, o) => oatSettings(lambdas, o?.lambdas as number[] | undefined).map(({ lambda, cond }) => ({ lambda, lambdaTh: null, cond, width: 1, randomized: false })),
});

/** The widths the slimmable methods train and evaluate (FLOAT's `width_mult_list`, the paper's SF 1.0 and 0.5). */
export const SLIM_WIDTHS: readonly number[] = [1, 0.5];

/**
 * `<base>` made slimmable (Yu et al. 2018): its plugins plus the width slice, a norm set per width and the width
 * loop; every evaluation setting of the base method at every width (widest first).
 */
function registerSlim(name: string, base: string, description: string): void {
  const b = getMethod(base);
  registerMethod({
    name,
    description,
    adversarial: b.adversarial,
    plugins: (o, run) => slimRecipe(b.plugins(o, run), { widths: SLIM_WIDTHS }),
    settings: (lambdas, lambdaThs, o) => withWidths(b.settings(lambdas, lambdaThs, o), SLIM_WIDTHS),
    slim: { base, widths: SLIM_WIDTHS },
  });
}

registerSlim('float-slim', 'float', 'FLOAT slim: FLOAT trained at channel widths 1 and 0.5 in one pass (first-k channels, a BN set per width and clean/adv); every λ at both widths');
registerSlim('floats-slim', 'floats-i', 'FLOATS slim: FLOAT slim + sparse-momentum pruning of the full conv kernels at density d (default 0.3); the width-0.5 sub-network keeps the sliced masks');
registerSlim('oat-slim', 'oat', 'OAT slim: OAT (FiLM, dual BN, per-sample λ) trained at channel widths 1 and 0.5 in one pass, FiLM sliced as OAT’s SlimmableFiLM_Layer');
