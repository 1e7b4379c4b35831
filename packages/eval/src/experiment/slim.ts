import type { Model } from '@floatjs/engine';
import { compressionOf, modelCost, type Compression } from '../cost';
import { narrowParity, type NarrowLatency } from '../commands/export-narrow';
import { getMethod } from '../recipes/methods';
import type { ExperimentMethodResult, SlimResult, SlimTable1Row } from './types';

/**
 * Table 1's CR and CRF of a slimmable model at the full width and at width w, both against the dense full-width
 * conv kernels (the paper compares every variant with FLOAT): CR = Σ full size / Σ nonzeros at that width,
 * CRF = Σ full input channels / Σ input channels present at that width.
 */
export function slimTable1(wide: Compression, narrow: Compression, width: number): SlimTable1Row[] {
  const sum = (c: Compression, f: (l: Compression['layers'][number]) => number) => c.layers.reduce((a, l) => a + f(l), 0);
  const size = sum(wide, (l) => l.size);
  const channels = sum(wide, (l) => l.channels);
  const row = (w: number, c: Compression): SlimTable1Row => {
    const density = sum(c, (l) => l.nnz) / size;
    const channelPercent = (100 * sum(c, (l) => l.channelsPresent)) / channels;
    return { width: w, density, cr: density > 0 ? 1 / density : Infinity, channelPercent, crf: channelPercent > 0 ? 100 / channelPercent : Infinity };
  };
  return [row(1, wide), row(width, narrow)];
}

/** Everything but the latency of a slimmable run's `SlimResult`, measured on the loaded wide and exported models. */
export async function slimCosts(
  result: Pick<ExperimentMethodResult, 'flops' | 'compression'>,
  wide: Model,
  narrow: Model,
  info: { dir: string; width: number; widths: readonly number[]; method: string },
): Promise<Omit<SlimResult, 'latency'>> {
  const c = await modelCost(narrow, getMethod(info.method));
  const compression = compressionOf(narrow);
  return {
    widths: [...info.widths],
    narrow: {
      width: info.width,
      dir: info.dir,
      method: info.method,
      architecture: narrow.architecture,
      params: c.params,
      flops: c.flops.flops,
      macs: c.flops.macs,
      storageBytes: c.storage.bytes,
      compression,
      parityMaxRelErr: narrowParity(wide, narrow, info.width, info.method),
    },
    potentialSpeedup: result.flops / c.flops.flops,
    table1: slimTable1(result.compression ?? compressionOf(wide), compression, info.width),
  };
}

/** Per λ: the wide model's timed conditions at width 1 and w (from `latency.byLambda`) beside the exported model's. */
export function slimLatency(
  byLambda: ExperimentMethodResult['latency']['byLambda'],
  narrow: ReadonlyArray<{ lambda: number | null; medianMs: number }>,
  width: number,
  batch: number,
): NarrowLatency[] {
  const at = (lambda: number | null, w: number) => byLambda.find((l) => l.lambda === lambda && Math.abs(l.width - w) < 1e-9)?.medianMs ?? Number.NaN;
  return narrow.map(({ lambda, medianMs }) => ({
    lambda,
    batch,
    wideMs: at(lambda, 1),
    wideAtWidthMs: at(lambda, width),
    narrowMs: medianMs,
    speedup: at(lambda, 1) / medianMs,
  }));
}
