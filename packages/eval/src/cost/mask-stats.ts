import { channelsPresent, type LayerMask, type PruningPlugin } from '@floatjs/pruning';

// Measurement, not pruning: these read a pruning plugin's public `masks()` view (or any masks, e.g. the stored
// kernels' zeros in `compressionOf`) and report the Table 1 figures.

export interface LayerMaskStats {
  name: string;
  shape: number[];
  size: number;
  nnz: number;
  /** nnz / size. */
  density: number;
  /** Input channels (axis 2 of a conv kernel [kh, kw, in, out]; axis 0 of a dense kernel [in, out]). */
  channels: number;
  /** Input channels with at least one kept weight. */
  channelsPresent: number;
  channelDensity: number;
  /** Bytes of this layer in the sparse format of `sparseStorageBytes`. */
  sparseBytes: number;
}

export interface MaskStats {
  layers: LayerMaskStats[];
  size: number;
  nnz: number;
  /** Global density d = Σ nnz / Σ size over the masked layers. */
  density: number;
  /** Compression ratio CR = 1/d. */
  cr: number;
  /** Percentage of input channels present, over all masked layers. */
  channelPercent: number;
  /** CRF = 100 / (% channels present). */
  crf: number;
  /** Σ sparseBytes over the masked layers (8-bit weights, CSR-like; see `sparseStorageBytes`). */
  sparseStorageBytes: number;
  /** The same layers stored densely at 8 bits per weight. */
  denseStorageBytes: number;
}

/**
 * Storage of one masked kernel at 8-bit weights in a CSR-like format: the kernel is a matrix with one row per
 * output channel and kh·kw·in columns; each nonzero costs 1 byte (value) + 2 bytes (16-bit column index), plus
 * 4 bytes (32-bit pointer) per row + 1. Throws when a row has more than 65 536 columns.
 */
export function sparseStorageBytes(mask: Pick<LayerMask, 'shape' | 'nnz'>): number {
  const rows = mask.shape[mask.shape.length - 1];
  const cols = mask.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (cols > 65536) throw new Error(`sparseStorageBytes: ${cols} columns do not fit a 16-bit column index`);
  return mask.nnz * 3 + 4 * (rows + 1);
}

/** Density, channel density, CR, CRF and sparse storage of a pruning plugin's current masks. */
export function maskStats(plugin: Pick<PruningPlugin, 'masks'>): MaskStats {
  const layers: LayerMaskStats[] = [...plugin.masks().values()].map((m) => {
    const present = channelsPresent(m.bits, m.shape);
    const channelsPresentCount = present.filter(Boolean).length;
    return {
      name: m.name,
      shape: m.shape,
      size: m.bits.length,
      nnz: m.nnz,
      density: m.nnz / m.bits.length,
      channels: present.length,
      channelsPresent: channelsPresentCount,
      channelDensity: channelsPresentCount / present.length,
      sparseBytes: sparseStorageBytes(m),
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
    size,
    nnz,
    density,
    cr: density > 0 ? 1 / density : Infinity,
    channelPercent,
    crf: channelPercent > 0 ? 100 / channelPercent : Infinity,
    sparseStorageBytes: layers.reduce((a, l) => a + l.sparseBytes, 0),
    denseStorageBytes: size,
  };
}
