import { pgdAtKit, standardKit, type EvalSetting, type MethodKit } from '@floatjs/engine';
import { floatKit } from '@floatjs/conditioning-float';
import { withChannelPruning, withSparseMomentum } from '@floatjs/pruning';
import { oatKit } from '@floatjs/conditioning-film';
import { withSlimmable } from '@floatjs/slimmable';
import { pniKit } from './pni';

export type { EvalSetting };
/** A registered method: a `MethodKit` (the engine's contract). */
export type MethodDef = MethodKit;

const methods = new Map<string, MethodKit>();

export function registerMethod(m: MethodKit): void {
  if (methods.has(m.name)) throw new Error(`method "${m.name}" is already registered`);
  methods.set(m.name, m);
}

export function methodNames(): string[] {
  return [...methods.keys()];
}

export function getMethod(name: string): MethodKit {
  const m = methods.get(name);
  if (!m) throw new Error(`--method: unknown method "${name}"; expected one of: ${methodNames().join(', ')}`);
  return m;
}

/** The widths the slimmable methods train and evaluate (FLOAT's `width_mult_list`, the paper's SF 1.0 and 0.5). */
export const SLIM_WIDTHS: readonly number[] = [1, 0.5];

const floatsI = withSparseMomentum(floatKit, {
  name: 'floats-i',
  description: 'FLOATS-i: FLOAT + sparse-momentum prune/regrow of conv weights at density d (default 0.3), noise masked',
});

for (const kit of [
  standardKit,
  pgdAtKit,
  floatKit,
  floatsI,
  withChannelPruning(floatKit, {
    name: 'floats-c',
    description: 'FLOATS-c: FLOAT + input-channel prune/regrow of convs (prune rate 0.5, linear decay, momentum regrowth) at global density d (default 0.3), noise masked',
  }),
  oatKit,
  withSlimmable(floatKit, {
    name: 'float-slim',
    description: 'FLOAT slim: FLOAT trained at channel widths 1 and 0.5 in one pass (first-k channels, a BN set per width and clean/adv); every λ at both widths',
    widths: SLIM_WIDTHS,
  }),
  withSlimmable(floatsI, {
    name: 'floats-slim',
    description: 'FLOATS slim: FLOAT slim + sparse-momentum pruning of the full conv kernels at density d (default 0.3); the width-0.5 sub-network keeps the sliced masks',
    widths: SLIM_WIDTHS,
  }),
  withSlimmable(oatKit, {
    name: 'oat-slim',
    description: 'OAT slim: OAT (FiLM, dual BN, per-sample λ) trained at channel widths 1 and 0.5 in one pass, FiLM sliced as OAT’s SlimmableFiLM_Layer',
    widths: SLIM_WIDTHS,
  }),
  pniKit,
]) {
  registerMethod(kit);
}
