import type { Plugin } from '@floatjs/engine';
import { checkWidths, DEFAULT_WIDTHS, matchWidth, widthSegment } from './width';

export interface WidthOptions {
  /** Trained widths; must include 1. Default [1, 0.5] (FLOAT's code). */
  widths?: readonly number[];
}

/** The switchable norm plugin's name (`narrowWeights` finds its segment by it). */
export const SWITCHABLE_NORM = 'switchable-norm';

/**
 * Switchable batch norm (S-Nets' `SwitchableBatchNorm2d`, OAT's `SwitchableDualBN2d`): every norm layer holds
 * a private parameter set per width (`w1`, `w0_5`, ...), chosen by `cond.width`. The engine multiplies the
 * segments with other normalization plugins', so after FLOAT's or OAT's dual BN a layer holds
 * `clean.w1`, `clean.w0_5`, `adv.w1`, `adv.w0_5`, each with its own γ, β and running statistics.
 * A set is as wide as the layer; at width w the engine uses (and updates) its first ⌊w·C⌋ channels.
 */
export function switchableNorm(options: WidthOptions = {}): Plugin {
  const widths = checkWidths(options.widths ?? DEFAULT_WIDTHS, 'switchableNorm');
  const segments = widths.map(widthSegment);
  return {
    name: SWITCHABLE_NORM,
    options: { widths },
    normalization: {
      segments,
      select(layer, cond) {
        const w = matchWidth(widths, cond.width);
        if (w === undefined) {
          throw new Error(`switchable-norm: ${layer.name} got width ${cond.width}, which has no norm set; trained widths are ${widths.join(', ')}`);
        }
        return widthSegment(w);
      },
    },
  };
}
