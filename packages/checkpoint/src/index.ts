export { encodeSafetensors, decodeSafetensors, type DecodedSafetensors } from './safetensors';
export { writeFileAtomic } from './atomic-write';
export { readRegularFile, checkpointOpCount } from './fs-ops';
export { listGenerations, generationDir, removeStaleTemporaries, isAlive, GENERATION_PREFIX } from './generation';
export { saveCheckpoint, loadWeights, readRecipe, checkLoadedValues, weightsBytes, WEIGHTS_FILE, RECIPE_FILE, PLUGIN_STATE_KEY, MAX_WEIGHTS_BYTES } from './checkpoint';
export {
  saveTrainingCheckpoint,
  loadTrainingCheckpoint,
  findTrainingCheckpoint,
  restoreTrainingCheckpoint,
  tidyForResume,
  OPTIMIZER_FILE,
  STATE_FILE,
  type TrainerState,
  type FoundCheckpoint,
} from './training-state';
