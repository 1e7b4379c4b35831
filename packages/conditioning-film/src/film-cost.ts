import type { LayerShape } from '@floatjs/engine';

export interface FilmSizeOptions {
  /** Width of the λ encoding fed to every FiLM (OAT's `FiLM_in_channels`): 128 with its default encoding, 1 for a raw λ. */
  encodingDim?: number;
  /** Expand ratio of the hidden layer (OAT's `alpha`, default 1). */
  expand?: number;
}

/**
 * Parameters of one OAT FiLM module for C channels [OAT models/FiLM.py]:
 * Linear(d → 2αC, bias) → LeakyReLU → Linear(2αC → 2C, bias), i.e. d·2αC + 2αC + 2αC·2C + 2C.
 */
export function filmModuleParams(channels: number, opts: FilmSizeOptions = {}): number {
  const d = opts.encodingDim ?? 128;
  const hidden = Math.trunc((opts.expand ?? 1) * channels * 2);
  return d * hidden + hidden + hidden * 2 * channels + 2 * channels;
}

/**
 * Parameters OAT's FiLM modules add to an architecture, computed from its (plugin-free) layers: one FiLM after
 * every norm layer except the projection-shortcut norms and a WRN's final norm (OAT's placement: ResNet stem and
 * bn1/bn2 of every block; WRN bn1/bn2 of every block).
 * A shortcut norm is recognised as the norm that directly follows a conv with role `shortcut`.
 */
export function filmParamsFor(layers: readonly LayerShape[], opts: FilmSizeOptions = {}): number {
  let total = 0;
  let prev: Pick<LayerShape, 'kind' | 'role'> | null = null;
  for (const l of layers) {
    // WRN's final `head.bn` has no FiLM in OAT's WideResNetOAT.
    const head = l.name.split('.')[0] === 'head';
    if (l.kind === 'norm' && !head && !(prev?.kind === 'conv2d' && prev.role === 'shortcut')) total += filmModuleParams(l.shape[0], opts);
    prev = l;
  }
  return total;
}
