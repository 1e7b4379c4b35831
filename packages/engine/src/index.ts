import './gradients';

// The plugin contract: hooks, the views they receive, ordering phases, method kits.
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
export type { DelayKind, EvalSetting, LayerShape, MethodCost, MethodKit, NarrowRules, NarrowVariable } from './method-kit';
export { PluginHost, flattenPlugins, isWrappingLossMix } from './plugin-host';
export { condition, conditionKey, type Condition } from './condition';

// Models: the builder, hooked layers, variables, the zoo.
export { Model, ModelBuilder, type ArchitectureDef, type Forward, type InputSpec, type ModelOptions } from './model';
export { BatchNorm, BN_EPSILON, BN_MOMENTUM } from './layers/batch-norm';
export { Dropout } from './layers/dropout';
export { globalAvgPool } from './layers/global-avg-pool';
export type { Residual } from './layers/conv-norm';
export { CONV_INITS, type ConvInit } from './layers/init';
export { readVariables, assignVariables, type StoredTensor } from './variables';
export { createModel, registerArchitecture, architectureNames, getArchitecture } from './models/zoo';
export { cnnS } from './models/cnn-s';
export { basicBlock, cifarResnet } from './models/cifar-resnet';
export { resnet20 } from './models/resnet20';

// Training: losses, the standard and PGD-AT loss mixes and their kits, SGD, schedules, the trainer.
export { crossEntropy, meanCrossEntropy } from './losses';
export { standardLossMix } from './loss-mixes/standard';
export { pgdAtLossMix, type PgdAtOptions } from './loss-mixes/pgd-at';
export { standardKit, pgdAtKit, fixedModelSettings } from './loss-mixes/kits';
export { Sgd, type SgdOptions } from './optim/sgd';
export { learningRate, type ScheduleName } from './optim/schedule';
export { Trainer, DivergenceError, type Batch, type BatchSource, type TrainerOptions, type StepEvent, type EpochEvent, type TrainerHooks } from './train/trainer';
export { firstNonFinite } from './train/finite-check';
export { Rng, type RngState, type UniformSource } from '@floatjs/random';

// Ops that run custom kernels by name (a backend package registers them; stock tfjs ops otherwise).
export { FUSED_CONV, FUSED_CONV_ADD, FOLD_NORM, SGD_STEP, BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD, RELU_GRAD, SEEDED_NORMAL, hasKernel } from './ops/kernel-names';
export { fusedConv, fusedConvAdd, fusedConvAvailable, type FusedActivation, type FusedConvAttrs } from './ops/fused-conv';
export { batchNormTrain, type BatchNormTrainResult } from './ops/batch-norm-train';
export { batchNormInfer, inferenceAffine } from './ops/batch-norm-infer';
export { foldNorm, type FoldNormAttrs } from './ops/fold-norm';
export { sgdStep, type SgdStepAttrs } from './ops/sgd-step';
export { relu, reluGrad } from './ops/relu';
export { seededNormal, type SeededNormalAttrs } from './ops/seeded-normal';
