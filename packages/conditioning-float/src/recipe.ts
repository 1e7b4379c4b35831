import type { Plugin } from '@floatjs/engine';
import { dualNorm } from './dual-norm';
import { floatLossMix, type FloatLossOptions } from './loss-mix';
import { floatNoise, type FloatNoiseOptions } from './noisy-weight';

export type FloatOptions = FloatNoiseOptions & FloatLossOptions;

/** The full FLOAT recipe: noisy weights, dual BN and the binary-λ loss mix. */
export function float(options: FloatOptions = {}): Plugin[] {
  return [floatNoise({ alphaInit: options.alphaInit }), dualNorm(), floatLossMix({ cleanFraction: options.cleanFraction })];
}
