export { runTrain, type TrainOptions, type TrainSummary } from './train';
export { runEval, type EvalOptions, type EvalReport, type EvalRow } from './evaluate';
export { runEvalModel, type EvalModelOptions } from './user-model/eval-model';
export { loadUserModel, type UserModel, type UserModelOptions } from './user-model/load-user-model';
export { fileSystemModel, readModelFiles } from './user-model/file-io';
export { registerFileSystemRouter } from './user-model/file-router';
export { evalTable } from './table';
export { getPreset, presetNames, registerPreset, type Preset, type PgdSpec } from './presets';
export { getMethod, methodNames, registerMethod, type MethodDef, type EvalSetting } from './methods';
export { checkMethodKit, isMethodPath, loadMethodModule, loadRecipeMethod, type MethodModule } from './method-module';
export { buildModel, loadRecipe, type Recipe } from './recipe';
export { buildProgram, main } from './cli';
export { runBench, type BenchOptions, type BenchResult } from './bench';
export { writeCard, cardMarkdown, type ModelCard, type CardRow } from './card';
export { provenance, type Provenance } from './provenance';
export { exportSafetensors, importSafetensors, type WeightLayout } from './export';
export * from './cost';
export * from './experiment';
export { SLIM_WIDTHS } from './methods';
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
} from './export-narrow';
export { ensureArchitecture, narrowArchitectureFor, parseNarrowArchitectureName } from './narrow-architectures';
export { loadCheckpointModel } from './checkpoint-model';
export { MAX_RECIPE_BYTES } from './recipe';
export { MAX_ROLLBACKS, type DivergencePolicy, type RollbackRecord } from './rollback';
export { trainLogEvents } from './train-log';
export { dropTornLastLine } from './run-dir';
