export {
  sparseMomentum,
  pruneRegrow,
  pruneRateAt,
  randomMask,
  MASK_ORDER_AFTER_NOISE,
  MASK_ORDER_BEFORE_NOISE,
  type SparseMomentumOptions,
  type LayerSignals,
  type PruneRegrowResult,
} from './sparse-momentum';
export { channelPrune, channelScores, channelsPresent, channelMask, selectChannels, type ChannelPruneOptions } from './channel-prune';
export { channelPruneRegrow, type ChannelLayerSignals } from './channel-regrow';
export { maskChurn, type MaskChurn, type LayerChurn } from './churn';
export { allocate, defaultInclude, encodeBits, decodeBits, type LayerMask, type MaskState, type PruningPlugin } from './masks';
export { withSparseMomentum, withChannelPruning, type PrunedKitOptions } from './kits';
