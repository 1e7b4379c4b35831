import type { MethodKit } from '@floatjs/engine';
import { slimRecipe, withWidths } from './recipe';
import { checkWidths, DEFAULT_WIDTHS } from './width';

export interface SlimmableKitOptions {
  name: string;
  description: string;
  /** The trained widths. Default [1, 0.5] (FLOAT's `width_mult_list`). */
  widths?: readonly number[];
}

/**
 * `base` made slimmable (Yu et al. 2018): its plugins plus the width slice, a norm set per width and the width
 * loop; every evaluation setting of the base method at every width (widest first). A width-w sub-network is
 * exported as `base` (its narrow rules apply); cost is the base method's.
 */
export function withSlimmable(base: MethodKit, opts: SlimmableKitOptions): MethodKit {
  const widths = checkWidths(opts.widths ?? DEFAULT_WIDTHS, opts.name);
  return {
    ...base,
    name: opts.name,
    description: opts.description,
    plugins: (o, run) => slimRecipe(base.plugins(o, run), { widths }),
    settings: (lambdas, lambdaThs, o) => withWidths(base.settings(lambdas, lambdaThs, o), widths),
    slim: { base: base.name, widths },
  };
}
