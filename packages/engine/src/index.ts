import './gradients';

export { selectBackend, BACKEND_NAMES, type BackendChoice, type BackendName } from './backend';
export { MAX_WASM_THREADS, wasmThreadsFromEnv } from './wasm-threads';
export { registerTrainingKernels, type TrainingKernelOptions } from './kernels/register-training-kernels';
export { nativeKernelsFor } from './kernels/native-registry';
export { FUSED_CONV } from './kernels/fused-conv';
export { condition, conditionKey, type Condition } from './condition';
export type { DelayKind, EvalSetting, LayerShape, MethodCost, MethodKit, NarrowRules, NarrowVariable } from './method-kit';
export type {
  Adversary,
  ForwardContext,
  LayerInfo,
  LayerVariableSpec,
  ModelVariableSpec,
  LogitsFn,
  LossMixContext,
  ModelView,
  OptimizerView,
  LossMixHook,
  MaskUpdateContext,
  MaskUpdateHook,
  NormalizationHook,
  Plugin,
  PluginOption,
  PreparedLoss,
  WeightTransformHook,
  WrappingLossMixHook,
} from './plugin';
export { WEIGHT_PHASE } from './plugin';
export { PluginHost, flattenPlugins } from './plugin-host';
export { Model, ModelBuilder, type ArchitectureDef, type Forward, type InputSpec, type ModelOptions } from './model';
export { CONV_INITS, type ConvInit } from './layers/init';
export { createModel, registerArchitecture, architectureNames } from './models/zoo';
export { cnnS } from './models/cnn-s';
export { resnet20 } from './models/resnet20';
export { resnet34 } from './models/resnet34';
export { BatchNorm, BN_EPSILON, BN_MOMENTUM } from './layers/batch-norm';
export { Rng, setNormalFill, type NormalFill, type RngState } from './rng';
export { boxMullerRadius, unitCircle } from './normal-math';
export { Sgd, type SgdOptions } from './optim/sgd';
export { learningRate, type ScheduleName } from './optim/schedule';
export { crossEntropy, meanCrossEntropy } from './losses';
export { standardLossMix } from './loss-mixes/standard';
export { pgdAtLossMix, type PgdAtOptions } from './loss-mixes/pgd-at';
export { standardKit, pgdAtKit, fixedModelSettings } from './loss-mixes/kits';
export { Trainer, DivergenceError, type Batch, type BatchSource, type TrainerOptions, type StepEvent, type EpochEvent, type TrainerHooks } from './train/trainer';
export { encodeSafetensors, decodeSafetensors, type StoredTensor, type DecodedSafetensors } from './checkpoint/safetensors';
export { writeFileAtomic } from './checkpoint/atomic-write';
export { saveCheckpoint, loadWeights, readRecipe, readVariables, assignVariables, checkLoadedValues, weightsBytes, WEIGHTS_FILE, RECIPE_FILE, PLUGIN_STATE_KEY, MAX_WEIGHTS_BYTES } from './checkpoint/checkpoint';
export { saveTrainingCheckpoint, loadTrainingCheckpoint, findTrainingCheckpoint, restoreTrainingCheckpoint, tidyForResume, OPTIMIZER_FILE, STATE_FILE, type TrainerState, type FoundCheckpoint } from './checkpoint/training-state';
export { listGenerations, generationDir, removeStaleTemporaries, isAlive, GENERATION_PREFIX } from './checkpoint/generation';
export { readRegularFile, checkpointOpCount } from './checkpoint/fs-ops';
export { firstNonFinite } from './train/finite-check';
export { Dropout } from './layers/dropout';
export { resnet18 } from './models/resnet18';
export { resnet18In64, resnet34In64 } from './models/resnet-64';
export { resnet18Imagenet } from './models/resnet18-imagenet';
export { wrn16x8, wrn40x2 } from './models/wrn';
export { cifarResnet } from './models/cifar-resnet';
export { imagenetResnet } from './models/imagenet-resnet';
export { wideResnet } from './models/wide-resnet';
export { withInputSize } from './models/fixed-input';
export { isWrappingLossMix } from './plugin-host';
export { getArchitecture } from './models/zoo';
