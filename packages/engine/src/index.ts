import './gradients';


// Ops that run custom kernels by name (a backend package registers them; stock tfjs ops otherwise).
export { FUSED_CONV, BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, RELU_GRAD, SEEDED_NORMAL, hasKernel } from './ops/kernel-names';
export { fusedConv, fusedConvAvailable, type FusedActivation, type FusedConvAttrs } from './ops/fused-conv';
export { batchNormTrain, type BatchNormTrainResult } from './ops/batch-norm-train';
export { batchNormInfer, inferenceAffine } from './ops/batch-norm-infer';
export { relu, reluGrad } from './ops/relu';
export { seededNormal, type SeededNormalAttrs } from './ops/seeded-normal';
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
export { Rng, type RngState, type UniformSource } from '@floatjs/random';
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
