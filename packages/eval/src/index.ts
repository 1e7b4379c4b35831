export { runTrain, type TrainOptions, type TrainSummary } from './commands/train';
export { runEval, type EvalOptions, type EvalReport, type EvalRow, type EvalSettings } from './commands/evaluate';
export { runMerge, type MergeOptions } from './commands/merge';
export { parseShard, shardRange, type EvalPart, type ShardRecord, type ShardSpec } from './commands/shard';
export { runEvalModel, type EvalModelOptions } from './user-model/eval-model';
export { loadUserModel, type UserModel, type UserModelOptions } from './user-model/load-user-model';
export { fileSystemModel, readModelFiles } from './user-model/file-io';
export { registerFileSystemRouter } from './user-model/file-router';
export { evalTable } from './report/table';
export { getPreset, presetNames, registerPreset, type Preset, type PgdSpec } from './recipes/presets';
export { getMethod, methodNames, registerMethod, type MethodDef, type EvalSetting } from './recipes/methods';
export { checkMethodKit, isMethodPath, loadMethodModule, loadRecipeMethod, type MethodModule } from './recipes/method-module';
export { buildModel, loadRecipe, type Recipe } from './recipes/recipe';
export { buildProgram, main } from './cli';
export { runBench, type BenchOptions, type BenchResult } from './commands/bench';
export { writeCard, cardMarkdown, type ModelCard, type CardRow } from './commands/card';
export { provenance, type Provenance } from './report/provenance';
export { exportSafetensors, importSafetensors, type WeightLayout } from './commands/export';
export { encodeSparse8, decodeSparse8, type DecodeSparse8Options, type NamedTensor, type Sparse8Entry, type Sparse8Header } from './export/sparse8';
export * from './cost';
export * from './experiment';
export { buildPlan, k8sManifests, planStatus, readPlan, runPlan, validatePlan, writePlan, EXECUTORS, STAGES, type BuildPlanOptions, type Executor, type Plan, type PlanJob, type RunPlanOptions, type Stage } from './plan';
export { SLIM_WIDTHS } from './recipes/methods';
export {
  exportNarrow,
  measureNarrowLatency,
  narrowLatencyRows,
  narrowLatencyTargets,
  narrowParity,
  narrowPluginStates,
  noiseFreeSettings,
  type NarrowExport,
  type NarrowLatency,
  type NarrowLatencyRole,
  type NarrowRecipe,
} from './commands/export-narrow';
export { ensureArchitecture, narrowArchitectureFor, parseNarrowArchitectureName } from './recipes/narrow-architectures';
export { loadCheckpointModel } from './recipes/checkpoint-model';
export { MAX_RECIPE_BYTES } from './recipes/recipe';
export { MAX_ROLLBACKS, type DivergencePolicy, type RollbackRecord } from './run-safety/rollback';
export { trainLogEvents } from './run-safety/train-log';
export { dropTornLastLine } from './run-safety/run-dir';
