/**
 * Layout helpers for the plots, computed before Vega renders them: text widths in the font the PNGs are drawn with
 * (DejaVu Sans), axis domains fitted to the data, and point labels placed where they collide with nothing.
 */

// Advance widths of DejaVu Sans (Book and Bold), in em, read from the fonts' hmtx tables.
const CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~λεαητµμΣσ±·–—’‘“”∈≥≤×…→−√Δδθπ°';
const BOOK = [0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838, 0.592, 0.541, 0.659, 0.634, 0.602, 0.636, 0.636, 0.632, 0.634, 0.838, 0.318, 0.5, 1, 0.318, 0.318, 0.518, 0.518, 0.871, 0.838, 0.838, 0.838, 1, 0.838, 0.838, 0.637, 0.684, 0.612, 0.612, 0.602, 0.5];
const BOLD = [0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38, 0.415, 0.38, 0.365, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4, 0.4, 0.838, 0.838, 0.838, 0.58, 1, 0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716, 0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716, 0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838, 0.633, 0.557, 0.687, 0.712, 0.638, 0.736, 0.736, 0.683, 0.779, 0.838, 0.38, 0.5, 1, 0.38, 0.38, 0.657, 0.657, 0.896, 0.838, 0.838, 0.838, 1, 0.838, 0.838, 0.667, 0.774, 0.687, 0.687, 0.791, 0.5];
const WIDTH = new Map([...CHARS].map((c, i) => [c, [BOOK[i]!, BOLD[i]!] as const]));
/** A character outside the table: a wide-ish glyph, so a width is over- rather than under-estimated. */
const OTHER = 0.7;

/** The width in px of one line of `text` at `fontSize` px in DejaVu Sans (the font the PNGs are rasterised with). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of text) em += WIDTH.get(c)?.[bold ? 1 : 0] ?? OTHER;
  return em * fontSize;
}

const isBold = (w: unknown) => w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && +w >= 600);

/**
 * A `textMetrics.width` for Vega's headless renderer. Vega's own estimate without a canvas is 0.8 em per character,
 * ~35% too wide for DejaVu Sans: every title and legend was laid out wider than drawn, leaving an empty band on the
 * right of the PNG.
 */
export function vegaTextWidth(item: { fontSize?: number; fontWeight?: unknown; limit?: number }, text: unknown): number {
  const s = text == null ? '' : String(text).trim();
  const w = textWidth(s, item.fontSize != null ? +item.fontSize || 0 : 11, isBold(item.fontWeight));
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
}

export interface Domain {
  domain: [number, number];
  log: boolean;
}

/**
 * An axis domain that covers every value in `lo`…`hi` (error bars included) plus `margin` of the span on each side,
 * and no more: no "nice" rounding out to a tick that leaves an empty band. On a log axis the margin is in decades.
 */
export function fitDomain(lo: readonly number[], hi: readonly number[], opts: { margin?: number; log?: boolean } = {}): Domain {
  const margin = opts.margin ?? 0.05;
  const log = opts.log ?? false;
  const vals = [...lo, ...hi].filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!vals.length) return { domain: log ? [1, 10] : [0, 1], log };
  const f = log ? Math.log10 : (v: number) => v;
  const g = log ? (v: number) => 10 ** v : (v: number) => v;
  let a = f(Math.min(...vals));
  let b = f(Math.max(...vals));
  if (b - a === 0) {
    const half = log ? 0.1 : Math.abs(a) > 0 ? Math.abs(a) * 0.05 : 0.5;
    a -= half;
    b += half;
  }
  const pad = (b - a) * margin;
  return { domain: [g(a - pad), g(b + pad)], log };
}

/** px on a plot `size` px long (y: 0 at the top) of `v` in `d`. */
export function toPx(d: Domain, v: number, size: number, flip = false): number {
  const [a, b] = d.log ? [Math.log10(d.domain[0]), Math.log10(d.domain[1])] : d.domain;
  const t = ((d.log ? Math.log10(v) : v) - a) / (b - a);
  return (flip ? 1 - t : t) * size;
}

/** The value at `px` (the inverse of {@link toPx}). */
export function fromPx(d: Domain, px: number, size: number, flip = false): number {
  const [a, b] = d.log ? [Math.log10(d.domain[0]), Math.log10(d.domain[1])] : d.domain;
  const t = flip ? 1 - px / size : px / size;
  const v = a + t * (b - a);
  return d.log ? 10 ** v : v;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const overlaps = (p: Box, q: Box) => p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1;

function segmentHitsBox(ax: number, ay: number, bx: number, by: number, r: Box): boolean {
  // Liang–Barsky clipping of the segment against the box.
  let t0 = 0;
  let t1 = 1;
  const dx = bx - ax;
  const dy = by - ay;
  for (const [p, q] of [[-dx, ax - r.x0], [dx, r.x1 - ax], [-dy, ay - r.y0], [dy, r.y1 - ay]] as const) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}

export interface LabelInput {
  /** The point, in px of the plot area (y down). */
  px: number;
  py: number;
  text: string;
}

export interface PlacedLabel {
  /** The label's box in px of the plot area; the text is drawn left-aligned, vertically centred in it. */
  box: Box;
  /** Whether the label sits away from its point and needs a leader line. */
  leader: boolean;
  /** The leader's end on the box's edge (px), the start being the point. */
  lx: number;
  ly: number;
}

export interface LabelLayoutOptions {
  width: number;
  height: number;
  fontSize: number;
  /** Half the side of the box each point mark takes (px). */
  pointRadius?: number;
  /** Polylines (px) a label should not sit on: the series' lines. */
  lines?: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Segments (px) a label had better not sit on either, at a lower cost: error bars. */
  bars?: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
}

// Directions tried around a point, best first: right, up-right, down-right, up, down, left, up-left, down-left.
const DIRS: ReadonlyArray<readonly [number, number]> = [[1, 0], [0.7, -0.7], [0.7, 0.7], [0, -1], [0, 1], [-1, 0], [-0.7, -0.7], [-0.7, 0.7]];
const RINGS = [8, 16, 28, 44, 64, 88];
// Costs, in units where one ring further out costs 10.
const COST_HIT = 1000;
const COST_LINE = 50;
const COST_BAR = 8;
const COST_AMBIGUOUS = 25;

/** The distance (px) from a point to a box (0 inside it). */
export function boxDistance(b: Box, px: number, py: number): number {
  const dx = Math.max(b.x0 - px, 0, px - b.x1);
  const dy = Math.max(b.y0 - py, 0, py - b.y1);
  return Math.hypot(dx, dy);
}

/**
 * Places a label beside each point, at the cheapest position (rings of growing distance × 8 directions) inside the
 * plot: overlapping another label or a point costs most, then crossing a series line, being nearer another point
 * than its own (ambiguous), crossing an error bar, and each ring further out. A label placed far (beyond the second
 * ring) or ambiguously gets a leader line to its point. When nothing is free (a very crowded plot), the position
 * overlapping the fewest labels and points is taken.
 */
export function placeLabels(labels: readonly LabelInput[], o: LabelLayoutOptions): PlacedLabel[] {
  const h = o.fontSize * 1.25;
  const pr = o.pointRadius ?? 5;
  const pointBoxes: Box[] = labels.map((l) => ({ x0: l.px - pr, y0: l.py - pr, x1: l.px + pr, y1: l.py + pr }));
  const placed: Box[] = [];
  const out: PlacedLabel[] = [];
  const segments = (ls: LabelLayoutOptions['lines']) => {
    const segs: Array<[number, number, number, number]> = [];
    for (const line of ls ?? []) for (let i = 1; i < line.length; i++) segs.push([line[i - 1]![0], line[i - 1]![1], line[i]![0], line[i]![1]]);
    return segs;
  };
  const lineSegs = segments(o.lines);
  const barSegs = segments(o.bars);
  const crossings = (segs: typeof lineSegs, box: Box) => segs.filter((s) => segmentHitsBox(s[0], s[1], s[2], s[3], box)).length;
  for (const [li, l] of labels.entries()) {
    const w = textWidth(l.text, o.fontSize) + 2;
    type Candidate = { cost: number; box: Box; ring: number; ambiguous: boolean };
    let best: Candidate | undefined;
    for (const [ri, r] of RINGS.entries()) {
      for (const [di, [dx, dy]] of DIRS.entries()) {
        // The box's corner (or edge, straight up/down/left/right) nearest the point sits `r` px from it along (dx, dy).
        const cx = l.px + dx * r + Math.sign(dx) * (w / 2);
        const cy = l.py + dy * r + Math.sign(dy) * (h / 2);
        const box = { x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 };
        if (box.x0 < 0 || box.y0 < 0 || box.x1 > o.width || box.y1 > o.height) continue;
        const hits = placed.filter((q) => overlaps(q, box)).length + pointBoxes.filter((q) => overlaps(q, box)).length;
        // Ambiguous: another point is at least as near the label as its own.
        const own = boxDistance(box, l.px, l.py);
        const ambiguous = labels.some((q, qi) => qi !== li && (q.px !== l.px || q.py !== l.py) && boxDistance(box, q.px, q.py) <= own + 2);
        const cost = hits * COST_HIT + crossings(lineSegs, box) * COST_LINE + crossings(barSegs, box) * COST_BAR + (ambiguous ? COST_AMBIGUOUS : 0) + ri * 10 + di;
        if (!best || cost < best.cost) best = { cost, box, ring: ri, ambiguous };
      }
    }
    // No position inside the plot at all (a label wider than the plot): right of the point.
    const b: Candidate = best ?? { cost: 0, box: { x0: l.px + RINGS[0]!, y0: l.py - h / 2, x1: l.px + RINGS[0]! + w, y1: l.py + h / 2 }, ring: 0, ambiguous: false };
    placed.push(b.box);
    // The leader ends on the box's edge nearest the point.
    const lx = Math.min(Math.max(l.px, b.box.x0), b.box.x1);
    const ly = Math.min(Math.max(l.py, b.box.y0), b.box.y1);
    out.push({ box: b.box, leader: b.ring > 1 || b.ambiguous, lx, ly });
  }
  return out;
}
