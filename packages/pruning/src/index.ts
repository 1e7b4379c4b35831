export { sparseMomentum, pruneRegrow, randomMask, type SparseMomentumOptions, type LayerSignals, type PruneRegrowResult } from './sparse-momentum';
export { pruneRateAt, MASK_ORDER_AFTER_NOISE, MASK_ORDER_BEFORE_NOISE, type MaskScheduleOptions } from './mask-plugin';
export { channelPrune, selectChannels, type ChannelPruneOptions } from './channel-prune';
export { channelScores, channelsPresent, channelMask } from './channels';
export { channelPruneRegrow, type ChannelLayerSignals } from './channel-regrow';
export { maskChurn, type MaskChurn, type LayerChurn } from './churn';
export { allocate, defaultInclude, encodeBits, decodeBits, type LayerMask, type MaskState, type PruningPlugin } from './masks';
export { withSparseMomentum, withChannelPruning, type PrunedKitOptions } from './kits';
