import type { DelayKind, MethodKit } from '@floatjs/engine';
import type { LayerCost } from './flops';

export type { DelayKind };

/**
 * The hardware constants of the paper's delay model (Sec. "Discussion on compute delay in Von-Neumann ASIC
 * hardware"): "we assume the values of B_IO, B_W, N_bank, and N_mult to be 16, 8, 4, and 175, respectively
 * ... τ_read and τ_mult ... for a 65nm CMOS process technology are 9ns and 4ns".
 */
export interface DelayConstants {
  /** Memory IO bandwidth, bits. */
  bIO: number;
  /** Bit-width of one stored weight. */
  bW: number;
  nBank: number;
  nMult: number;
  tauReadNs: number;
  tauMultNs: number;
}

export const PAPER_DELAY_CONSTANTS: Readonly<DelayConstants> = Object.freeze({ bIO: 16, bW: 8, nBank: 4, nMult: 175, tauReadNs: 9, tauMultNs: 4 });

/** The sizes of one conv layer l that the equations use. */
export interface ConvDims {
  /** Kernel size k^l. */
  k: number;
  /** Input channels C_i^l. */
  inChannels: number;
  /** Output channels C_o^l. */
  outChannels: number;
  /** Output feature-map size H_o^l, W_o^l. */
  outHeight: number;
  outWidth: number;
}

/**
 * Eq. 7, the delay of a plain conv layer:
 *   τ_conv ≈ ⌈(k^l)² C_i^l C_o^l / ((B_IO/B_W) N_bank)⌉ × τ_read + ⌈(k^l)² C_i^l C_o^l / N_Mult⌉ × H_o^l W_o^l τ_mult
 */
export function convDelayNs(l: ConvDims, c: DelayConstants = PAPER_DELAY_CONSTANTS): number {
  const w = l.k * l.k * l.inChannels * l.outChannels;
  return Math.ceil(w / ((c.bIO / c.bW) * c.nBank)) * c.tauReadNs + Math.ceil(w / c.nMult) * l.outHeight * l.outWidth * c.tauMultNs;
}

/**
 * Eq. 8, FLOAT's conv layer (the noise scaling adds one multiply pass over the weights; reading α is neglected):
 *   τ^F_conv ≈ ⌈(k^l)² C_i^l C_o^l / ((B_IO/B_W) N_bank)⌉ × τ_read + ⌈(k^l)² C_i^l C_o^l / N_Mult⌉ × (1 + H_o^l W_o^l) τ_mult
 */
export function floatConvDelayNs(l: ConvDims, c: DelayConstants = PAPER_DELAY_CONSTANTS): number {
  const w = l.k * l.k * l.inChannels * l.outChannels;
  return Math.ceil(w / ((c.bIO / c.bW) * c.nBank)) * c.tauReadNs + Math.ceil(w / c.nMult) * (1 + l.outHeight * l.outWidth) * c.tauMultNs;
}

/**
 * Eq. 9, OAT's conv layer followed by a FiLM module (2C_o + 4(C_o)² FiLM parameters read and multiplied):
 *   τ^O_conv ≈ ⌈((k^l)² C_i^l C_o^l + 2C_o^l + 4(C_o^l)²) / ((B_IO/B_W) N_bank)⌉ × τ_read
 *            + ⌈(k^l)² C_i^l C_o^l / N_Mult⌉ × H_o^l W_o^l τ_mult + ⌈(2C_o^l + 4(C_o^l)²) / N_Mult⌉ × τ_mult
 */
export function oatConvDelayNs(l: ConvDims, c: DelayConstants = PAPER_DELAY_CONSTANTS): number {
  const w = l.k * l.k * l.inChannels * l.outChannels;
  const film = 2 * l.outChannels + 4 * l.outChannels * l.outChannels;
  return (
    Math.ceil((w + film) / ((c.bIO / c.bW) * c.nBank)) * c.tauReadNs +
    Math.ceil(w / c.nMult) * l.outHeight * l.outWidth * c.tauMultNs +
    Math.ceil(film / c.nMult) * c.tauMultNs
  );
}

export interface LayerDelay {
  name: string;
  role: LayerCost['role'];
  /** Eq. 7. */
  convNs: number;
  /** Eq. 8. */
  floatNs: number;
  /** Eq. 9 (for a layer OAT puts a FiLM after; OAT's shortcut convs have none and keep Eq. 7). */
  oatNs: number;
  /** Whether OAT places a FiLM after this conv's norm layer (every conv except projection shortcuts). */
  filmed: boolean;
}

export interface RatioStats {
  min: number;
  max: number;
  mean: number;
}

export interface DelayReport {
  constants: DelayConstants;
  layers: LayerDelay[];
  /** Sum over the conv layers, ns: plain (Eq. 7), FLOAT (Eq. 8 on every conv), OAT (Eq. 9 on filmed convs, Eq. 7 on shortcuts). */
  totalNs: Record<DelayKind, number>;
  /**
   * Per-layer delay normalised to τ_conv (Fig. 7c: minimum, maximum and average over the conv layers; for OAT over
   * the convs that carry a FiLM, since the others are unchanged).
   */
  normalized: Record<DelayKind, RatioStats>;
  /** Per filmed conv layer, τ^O_conv / τ^F_conv: how much faster FLOAT's conditional layer is than OAT's (paper: "up to 1.66×"). */
  oatOverFloat: RatioStats;
}

function stats(values: number[]): RatioStats {
  return { min: Math.min(...values), max: Math.max(...values), mean: values.reduce((a, b) => a + b, 0) / values.length };
}

/** Eqs. 7-9 over every conv layer of an architecture (layer sizes from `layerCosts`). */
export function delayModel(layers: readonly LayerCost[], c: DelayConstants = PAPER_DELAY_CONSTANTS): DelayReport {
  const convs = layers.filter((l) => l.kind === 'conv2d');
  if (!convs.length) throw new Error('delayModel: the architecture has no conv layers');
  const rows: LayerDelay[] = convs.map((l) => {
    const filmed = l.role !== 'shortcut';
    return { name: l.name, role: l.role, convNs: convDelayNs(l, c), floatNs: floatConvDelayNs(l, c), oatNs: filmed ? oatConvDelayNs(l, c) : convDelayNs(l, c), filmed };
  });
  const sum = (f: (r: LayerDelay) => number) => rows.reduce((a, r) => a + f(r), 0);
  return {
    constants: { ...c },
    layers: rows,
    totalNs: { conv: sum((r) => r.convNs), float: sum((r) => r.floatNs), oat: sum((r) => r.oatNs) },
    normalized: {
      conv: { min: 1, max: 1, mean: 1 },
      float: stats(rows.map((r) => r.floatNs / r.convNs)),
      oat: stats(rows.filter((r) => r.filmed).map((r) => r.oatNs / r.convNs)),
    },
    oatOverFloat: stats(rows.filter((r) => r.filmed).map((r) => r.oatNs / r.floatNs)),
  };
}

/** The delay equation a method's kit declares (`cost.delayKind`): FLOAT → Eq. 8, OAT → Eq. 9; none → Eq. 7. */
export function delayKindOf(method: Pick<MethodKit, 'cost'> | undefined): DelayKind {
  return method?.cost?.delayKind ?? 'conv';
}
