/** The widths FLOAT's code trains (`width_mult_list = [0.5, 1.0]`), widest first. */
export const DEFAULT_WIDTHS: readonly number[] = [1, 0.5];

const TOLERANCE = 1e-9;

/**
 * Channels kept at width w: ⌊w·C⌋, at least 1. This is `int(C * width_mult)` of the slimmable ResNets of
 * OAT (`resnet_slimmable_OAT.py`) and S-Nets (`s_resnet.py`); `make_divisible` (round to a multiple of 8)
 * belongs to their MobileNets only. The tolerance keeps e.g. 0.7·10 at 7.
 */
export function channelsAt(channels: number, width: number): number {
  return Math.max(1, Math.floor(channels * width + TOLERANCE));
}

export function checkWidth(width: number, where: string): void {
  if (!(Number.isFinite(width) && width > 0 && width <= 1)) throw new Error(`${where}: width must be in (0, 1], got ${width}`);
}

/** Checks a width list (each in (0, 1], 1 included, distinct) and returns it sorted widest first. */
export function checkWidths(widths: readonly number[], where: string): number[] {
  if (!Array.isArray(widths) || widths.length === 0) throw new Error(`${where}: widths must be a non-empty list, got ${JSON.stringify(widths)}`);
  for (const w of widths) checkWidth(w, where);
  if (!widths.some((w) => Math.abs(w - 1) < TOLERANCE)) {
    throw new Error(`${where}: widths must include 1 (the full model, which every default condition uses), got [${widths.join(', ')}]`);
  }
  const segs = widths.map(widthSegment);
  if (new Set(segs).size !== segs.length) throw new Error(`${where}: widths must be distinct, got [${widths.join(', ')}]`);
  return [...widths].sort((a, b) => b - a);
}

/**
 * The norm key segment of a width: `w1`, `w0_5`, `w0_75`. No '.' inside, since variable names join
 * segments with '.' (`bn1.clean.w0_5.gamma`).
 */
export function widthSegment(width: number): string {
  return `w${String(Number(width.toFixed(6))).replace('.', '_')}`;
}

/** The trained width equal to `width` (within 1e-9), or undefined. */
export function matchWidth(widths: readonly number[], width: number): number | undefined {
  return widths.find((w) => Math.abs(w - width) < TOLERANCE);
}
