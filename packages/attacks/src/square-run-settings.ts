import type { IterateHook } from './apgd-run';
import type { Rng } from '@floatjs/random';

/** What one Square run (ℓ∞ or ℓ2) needs beyond the images and labels. */
export type SquareRunSettings = {
  eps: number;
  nQueries: number;
  pInit: number;
  rescaleTo: number | undefined;
  random: Rng;
  onIterate?: IterateHook;
};
