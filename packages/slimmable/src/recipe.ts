import { flattenPlugins, type Condition, type Plugin, type PluginOption } from '@floatjs/engine';
import { switchableNorm, type WidthOptions } from './switchable-norm';
import { checkWidths, DEFAULT_WIDTHS } from './width';
import { widthLoop } from './width-loop';
import { widthSlice } from './width-slice';

export type SlimmableOptions = WidthOptions;

/**
 * Slimmable widths (Yu et al. 2018) as three plugins: first-k channel slicing of every kernel after all
 * other weight transforms, a private norm set per width, and a loop that trains all widths in one
 * optimizer step around the recipe's loss mix.
 */
export function slimmable(options: SlimmableOptions = {}): Plugin[] {
  const widths = checkWidths(options.widths ?? DEFAULT_WIDTHS, 'slimmable');
  return [widthSlice(), switchableNorm({ widths }), widthLoop({ widths })];
}

/**
 * A method's plugins made slimmable: `slimRecipe(float(), o)` is FLOAT-slim, `slimRecipe([...float(),
 * sparseMomentum({ density })], o)` FLOATS-slim, `slimRecipe(oat(), o)` OAT-slim. The base plugins come first,
 * so norm sets are named `<layer>.<clean|adv>.<width>.*`.
 */
export function slimRecipe(base: PluginOption, options: SlimmableOptions = {}): Plugin[] {
  return [...flattenPlugins(base), ...slimmable(options)];
}

/** Every setting at every width (widest first): the width axis of an evaluation grid. */
export function withWidths<T extends { cond: Condition }>(settings: readonly T[], widths: readonly number[] = DEFAULT_WIDTHS): Array<T & { width: number }> {
  const sorted = checkWidths(widths, 'withWidths');
  return sorted.flatMap((width) => settings.map((s) => ({ ...s, width, cond: { ...s.cond, width } })));
}
