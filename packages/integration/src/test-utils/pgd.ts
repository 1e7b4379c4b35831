// What the FLOAT and OAT loss-mix tests share: cnn-s on 12×12×1 inputs with 4 classes, fixed 8-image batches,
// and a 2-step PGD adversary (ε = 8/255) from @floatjs/attacks.
import { pgd } from '@floatjs/attacks';
import type { Adversary, BatchSource } from '@floatjs/engine';
import { source as fixedSource } from './fakes';

export const SPEC = { height: 12, width: 12, channels: 1, numClasses: 4 };
export const BATCH = 8;
const EPS = 8 / 255;

export const adversary: Adversary = (f, x, y, seed) => pgd(f, x, y, { eps: EPS, steps: 2, stepSize: EPS / 2, seed });

/** `batches` fixed batches of uniform random images (seed 42) with cycling labels, the same every epoch. */
export const source = (batches: number): BatchSource => fixedSource(batches, SPEC, BATCH, 42);

/** The running-statistic variables of cnn-s's three norm layers in norm set `set`. */
export const stats = (set: string) => ['bn1', 'bn2', 'bn3'].flatMap((l) => [`${l}.${set}.movingMean`, `${l}.${set}.movingVariance`]);
