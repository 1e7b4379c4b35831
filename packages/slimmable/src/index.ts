export { DEFAULT_WIDTHS, channelsAt, widthSegment, checkWidths } from './width';
export { widthSlice, narrowShape, WIDTH_SLICE_ORDER } from './width-slice';
export { switchableNorm, SWITCHABLE_NORM, type WidthOptions } from './switchable-norm';
export { widthLoop, loopOverWidths, atWidth } from './width-loop';
export { slimmable, slimRecipe, withWidths, type SlimmableOptions } from './recipe';
export { narrowArchitecture, narrowArchitectureName, narrowWeights, type NarrowOptions, type NarrowExtra } from './narrow';
export { slicePrefix } from './slice-array';
export { withSlimmable, type SlimmableKitOptions } from './kit';
