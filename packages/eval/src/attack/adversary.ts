import { pgd } from '@floatjs/attacks';
import type { Adversary } from '@floatjs/engine';
import type { PgdSpec } from '../recipes/presets';

/** The training attack: PGD bound to a spec, seeded per batch by the trainer. */
export function pgdAdversary(spec: PgdSpec): Adversary {
  return (logitsFn, x, y, seed) => pgd(logitsFn, x, y, { ...spec, seed });
}
