import type { Model } from '@floatjs/engine';
import { defaultInclude, type LayerMask } from '@floatjs/pruning';
import { decodeSparse8, encodeSparse8, type NamedTensor } from '../export/sparse8';
import { maskStats, type LayerMaskStats } from './mask-stats';

/** One conv layer's figures: the per-layer mask statistics of `maskStats`, measured from the weights. */
export type LayerCompression = LayerMaskStats;

/**
 * Model-size figures of Table 1, measured from the stored weights (a pruned weight is exactly zero), so they
 * hold for any model, pruned by a plugin or not. The masked set is the pruning package's default: every conv.
 */
export interface Compression {
  layers: LayerCompression[];
  /** Global density d = Σ nnz / Σ size over the conv kernels. */
  density: number;
  /** CR = 1/d. */
  cr: number;
  /** % of conv input channels present; CRF = 100 / that. */
  channelPercent: number;
  crf: number;
  /** The conv kernels at 8 bits per weight, dense. */
  convDenseBytes: number;
  /** The conv kernels in CSR (8-bit value + 16-bit column index per nonzero, 32-bit row pointers). */
  convSparseBytes: number;
  /** The conv kernels as the sparse8 file stores them: per kernel the smallest of CSR, bitmap and dense. */
  convSparse8Bytes: number;
  /** How many conv kernels the sparse8 file stores in each layout. */
  convLayouts: Record<'csr' | 'bitmap' | 'dense', number>;
  /** The whole model (every variable, BN running statistics included) at 8 bits, dense. */
  modelDense8Bytes: number;
  /** The actual size of the `encodeSparse8` file of the whole model, header included. */
  modelSparse8Bytes: number;
  format: 'floatjs-sparse8';
}

/** Every variable of the model as the sparse8 codec takes it; conv kernels are the sparse ones. */
export function sparse8Tensors(model: Model): { tensors: NamedTensor[]; sparse: (t: NamedTensor) => boolean } {
  const convKernels = new Set(model.layers.filter((l) => defaultInclude(l)).map((l) => `${l.name}.kernel`));
  const tensors = [...model.variables].map(([name, v]) => ({ name, shape: [...v.shape], values: v.dataSync() as Float32Array }));
  return { tensors, sparse: (t) => convKernels.has(t.name) };
}

export function compressionOf(model: Model): Compression {
  const { tensors, sparse } = sparse8Tensors(model);
  // The stored kernel is its own mask: a pruned weight is exactly zero, a kept one (practically) never is.
  const masks = new Map<string, LayerMask>(
    tensors.filter(sparse).map((t) => {
      const bits = Uint8Array.from(t.values, (v) => (v !== 0 ? 1 : 0));
      const name = t.name.replace(/\.kernel$/, '');
      return [name, { name, shape: t.shape, bits, nnz: bits.reduce((a, b) => a + b, 0) }];
    }),
  );
  const m = maskStats({ masks: () => masks });
  const file = encodeSparse8(tensors, sparse);
  const convEntries = decodeSparse8(file).header.tensors.filter((e) => masks.has(e.name.replace(/\.kernel$/, '')));
  const convLayouts = { csr: 0, bitmap: 0, dense: 0 };
  for (const e of convEntries) convLayouts[e.kind]++;
  return {
    layers: m.layers,
    density: m.density,
    cr: m.cr,
    channelPercent: m.channelPercent,
    crf: m.crf,
    convDenseBytes: m.denseStorageBytes,
    convSparseBytes: m.sparseStorageBytes,
    convSparse8Bytes: convEntries.reduce((a, e) => a + e.bytes, 0),
    convLayouts,
    modelDense8Bytes: tensors.reduce((a, t) => a + t.values.length, 0),
    modelSparse8Bytes: file.length,
    format: 'floatjs-sparse8',
  };
}
