import { flattenPlugins, type MethodKit, type Plugin } from '@floatjs/engine';
import { channelPrune } from './channel-prune';
import { sparseMomentum } from './sparse-momentum';

export interface PrunedKitOptions {
  name: string;
  description: string;
  /** Density d when the run's options give none. Default 0.3 (the paper's FLOATS setting). */
  density?: number;
}

type Pruner = (o: { density: number; epochs?: number; totalSteps?: number }) => Plugin;

/**
 * `base` with a pruning plugin after its plugins, reading `density`, `epochs` and `totalSteps` from the run's
 * options (epochs default to the run's). Settings, cost and narrow rules are the base method's.
 */
function withPruner(base: MethodKit, pruner: Pruner, opts: PrunedKitOptions): MethodKit {
  const plugins: MethodKit['plugins'] = (o, run) => [
    ...flattenPlugins(base.plugins(o, run)),
    pruner({ density: (o.density as number | undefined) ?? opts.density ?? 0.3, epochs: (o.epochs as number | undefined) ?? run?.epochs, totalSteps: o.totalSteps as number | undefined }),
  ];
  return { ...base, name: opts.name, description: opts.description, plugins };
}

/** `base` + sparse-momentum prune/regrow of conv weights (FLOATS-i when `base` is FLOAT). */
export const withSparseMomentum = (base: MethodKit, opts: PrunedKitOptions): MethodKit => withPruner(base, sparseMomentum, opts);

/** `base` + global input-channel prune/regrow of convs (FLOATS-c when `base` is FLOAT). */
export const withChannelPruning = (base: MethodKit, opts: PrunedKitOptions): MethodKit => withPruner(base, channelPrune, opts);
