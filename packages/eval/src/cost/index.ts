export { countParams, parameterStorage, pluginVariableNames, type ParamBreakdown, type ParamCount, type Storage } from './params';
export { architectureLayerCosts, countFlops, layerCosts, type FlopCount, type LayerCost } from './flops';
export {
  PAPER_DELAY_CONSTANTS,
  convDelayNs,
  delayKindOf,
  delayModel,
  floatConvDelayNs,
  oatConvDelayNs,
  type ConvDims,
  type DelayConstants,
  type DelayKind,
  type DelayReport,
  type LayerDelay,
  type RatioStats,
} from './delay';
export { measureLatency, type LatencyResult, type LatencyTarget } from './latency';
export { modelCost, type ModelCost } from './model-cost';
export { compressionOf, sparse8Tensors, type Compression, type LayerCompression } from './compression';
export { maskStats, sparseStorageBytes, type LayerMaskStats, type MaskStats } from './mask-stats';
