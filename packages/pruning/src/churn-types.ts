/** How one layer's mask changed in one epoch-end update. */
export interface LayerChurn {
  name: string;
  /** Active units (input channels or weights) before the update. */
  before: number;
  /** Active units after the update. */
  after: number;
  /** Units active before and inactive after. */
  pruned: number;
  /** Units inactive before and active after (they restart from zero). */
  regrown: number;
}

/**
 * How the masks changed in one epoch-end update, counted in `unit`s: `channels` (input channels, FLOATS-c) or
 * `weights` (FLOATS-i). A unit pruned and regrown in the same update is in neither count: it keeps its value.
 */
export interface MaskChurn {
  /** The epoch (0-based) whose end made the update. */
  epoch: number;
  step: number;
  unit: 'channels' | 'weights';
  /** The prune rate of the update; null for a rule without one. */
  rate: number | null;
  layers: LayerChurn[];
  before: number;
  pruned: number;
  regrown: number;
}
