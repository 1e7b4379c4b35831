import { loadWeights, writeFileAtomic } from '@floatjs/checkpoint';
import { compressionOf, sparse8Tensors } from '../cost/compression';
import { encodeSparse8 } from '../export/sparse8';
import { buildModel, loadRecipe } from '../recipes/recipe';

/**
 * `float export --format sparse8`: the checkpoint at 8 bits, conv kernels in CSR (see `encodeSparse8`), with the
 * recipe in the metadata. The file's size is the model-size figure FLOATS reports.
 */
export function exportSparse8(dir: string, file: string): { tensors: number; bytes: number; density: number; cr: number; crf: number } {
  const recipe = loadRecipe(dir);
  const model = buildModel(recipe);
  try {
    loadWeights(dir, model);
    const { tensors, sparse } = sparse8Tensors(model);
    const bytes = encodeSparse8(tensors, sparse, { format: 'floatjs', recipe: JSON.stringify(recipe) });
    writeFileAtomic(file, bytes);
    const c = compressionOf(model);
    return { tensors: tensors.length, bytes: bytes.length, density: c.density, cr: c.cr, crf: c.crf };
  } finally {
    model.dispose();
  }
}
