import { type Model } from '@floatjs/engine';
import { loadWeights } from '@floatjs/checkpoint';
import { ensureArchitecture } from './narrow-architectures';
import { buildModel, loadRecipe, type Recipe } from './recipe';

/**
 * The model of a checkpoint directory as it was saved: built from recipe.json, with a slimmable sub-network's
 * architecture such as `cnn-s-w0_5` registered on the way, then weights and plugin state (pruning masks) from
 * model.safetensors (`loadWeights`).
 */
export function loadCheckpointModel(dir: string): { recipe: Recipe; model: Model } {
  const recipe = loadRecipe(dir);
  ensureArchitecture(recipe.architecture);
  const model = buildModel(recipe);
  try {
    loadWeights(dir, model);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { recipe, model };
}
