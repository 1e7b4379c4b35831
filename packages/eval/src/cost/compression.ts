import type { Model } from '@floatjs/engine';
import { channelsPresent, defaultInclude, encodeSparse8, sparseStorageBytes, type NamedTensor } from '@floatjs/pruning';

export interface LayerCompression {
  name: string;
  /** Kernel shape, tfjs layout [kh, kw, in, out]. */
  shape: number[];
  size: number;
  /** Weights that are not exactly zero in the stored kernel. */
  nnz: number;
  density: number;
  /** Input channels, and those with at least one nonzero weight. */
  channels: number;
  channelsPresent: number;
  channelDensity: number;
  /** This kernel in the sparse8 CSR format (8-bit values, 16-bit column indices, 32-bit row pointers). */
  sparseBytes: number;
}

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
  /** The conv kernels in sparse8 CSR. */
  convSparseBytes: number;
  /** The whole model (every variable, BN running statistics included) at 8 bits, dense. */
  modelDense8Bytes: number;
  /** The actual size of the `encodeSparse8` file of the whole model: conv kernels CSR, the rest dense, header included. */
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
  const layers: LayerCompression[] = tensors.filter(sparse).map((t) => {
    const bits = Uint8Array.from(t.values, (v) => (v !== 0 ? 1 : 0));
    const nnz = bits.reduce((a, b) => a + b, 0);
    const present = channelsPresent(bits, t.shape);
    const kept = present.filter(Boolean).length;
    return {
      name: t.name.replace(/\.kernel$/, ''),
      shape: t.shape,
      size: t.values.length,
      nnz,
      density: nnz / t.values.length,
      channels: present.length,
      channelsPresent: kept,
      channelDensity: kept / present.length,
      sparseBytes: sparseStorageBytes({ shape: t.shape, nnz }),
    };
  });
  const size = layers.reduce((a, l) => a + l.size, 0);
  const nnz = layers.reduce((a, l) => a + l.nnz, 0);
  const channels = layers.reduce((a, l) => a + l.channels, 0);
  const present = layers.reduce((a, l) => a + l.channelsPresent, 0);
  const density = size ? nnz / size : 0;
  const channelPercent = channels ? (100 * present) / channels : 0;
  return {
    layers,
    density,
    cr: density > 0 ? 1 / density : Infinity,
    channelPercent,
    crf: channelPercent > 0 ? 100 / channelPercent : Infinity,
    convDenseBytes: size,
    convSparseBytes: layers.reduce((a, l) => a + l.sparseBytes, 0),
    modelDense8Bytes: tensors.reduce((a, t) => a + t.values.length, 0),
    modelSparse8Bytes: encodeSparse8(tensors, sparse).length,
    format: 'floatjs-sparse8',
  };
}
