import { condition, pgdAtLossMix, standardLossMix, type Condition, type PluginOption } from '@floatjs/engine';
import { float, mapLambda } from '@floatjs/conditioning-float';

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
  plugins(options: Record<string, unknown>): PluginOption;
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
  settings(lambdas, lambdaThs) {
    return lambdaThs.flatMap((th) =>
      lambdas.map((l) => {
        const s = mapLambda(l, th);
        return { lambda: l, lambdaTh: th, cond: condition({ lambda: l, lambdaN: s.lambdaN, norm: s.norm }), randomized: s.lambdaN > 0 };
      }),
    );
  },
});
