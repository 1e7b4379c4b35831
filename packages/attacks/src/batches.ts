export type BatchRange = { start: number; size: number };

/** Consecutive [start, start + size) ranges covering `count` samples; the last one may be short. */
export function batchRanges(count: number, batchSize: number): BatchRange[] {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new RangeError(`batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  const ranges: BatchRange[] = [];
  for (let start = 0; start < count; start += batchSize) {
    ranges.push({ start, size: Math.min(batchSize, count - start) });
  }
  return ranges;
}
