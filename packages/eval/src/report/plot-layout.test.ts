import { describe, expect, it } from 'vitest';
import { boxDistance, fitDomain, fromPx, overlaps, placeLabels, textWidth, toPx, vegaTextWidth, type Box } from './plot-layout';

describe('textWidth (DejaVu Sans metrics)', () => {
  it('adds the fonts’ advance widths: digits 0.636 em, bold wider, unknown glyphs 0.7 em', () => {
    expect(textWidth('00', 10)).toBeCloseTo(12.72, 6);
    expect(textWidth('λ = 0.2', 10)).toBeCloseTo(10 * (0.592 + 0.318 + 0.838 + 0.318 + 0.636 + 0.318 + 0.636), 6);
    expect(textWidth('CA', 12, true)).toBeGreaterThan(textWidth('CA', 12));
    expect(textWidth('☃', 10)).toBeCloseTo(7, 6);
  });
  it('is far below Vega’s canvas-less 0.8 em per character for a real title, and honours a text limit', () => {
    const title = 'Post-training noise re-scaling of a noise-trained model (cf. FLOAT paper, Fig. 3)';
    const ours = vegaTextWidth({ fontSize: 14, fontWeight: 'bold' }, title);
    expect(ours).toBeLessThan(0.8 * title.length * 14 * 0.85);
    expect(ours).toBeGreaterThan(0.5 * title.length * 14);
    expect(vegaTextWidth({ fontSize: 14, limit: 100 }, title)).toBe(100);
    expect(vegaTextWidth({}, '  ')).toBe(0);
  });
});

describe('fitDomain', () => {
  it('covers every value, error bars included, with 5% of the span on each side and no more', () => {
    const lo = [14.3, 16.2, 17, 18.5];
    const hi = [26.7, 21.8, 17, 20.6];
    const { domain } = fitDomain(lo, hi);
    const span = 26.7 - 14.3;
    expect(domain[0]).toBeCloseTo(14.3 - 0.05 * span, 9);
    expect(domain[1]).toBeCloseTo(26.7 + 0.05 * span, 9);
    for (const v of [...lo, ...hi]) expect(v >= domain[0] && v <= domain[1]).toBe(true);
  });
  it('pads a log domain in decades, ignores non-positive values there, and widens a zero span', () => {
    const { domain } = fitDomain([1, 0, 50], [1, 0, 50], { log: true });
    const decades = Math.log10(50);
    expect(Math.log10(domain[0])).toBeCloseTo(-0.05 * decades, 9);
    expect(Math.log10(domain[1])).toBeCloseTo(decades * 1.05, 9);
    const flat = fitDomain([40, 40], [40, 40]).domain;
    expect(flat[0]).toBeLessThan(40);
    expect(flat[1]).toBeGreaterThan(40);
    expect(fitDomain([NaN], [NaN]).domain).toEqual([0, 1]);
  });
  it('toPx and fromPx are inverses, y flipped, log included', () => {
    for (const d of [fitDomain([10], [70]), fitDomain([1], [50], { log: true })]) {
      for (const v of [d.domain[0], 20, d.domain[1]]) {
        expect(fromPx(d, toPx(d, v, 300, true), 300, true)).toBeCloseTo(v, 9);
      }
    }
    expect(toPx(fitDomain([0], [10], { margin: 0 }), 10, 300, true)).toBe(0);
  });
});

describe('placeLabels', () => {
  const pts = (ps: Array<[number, number, string]>) => ps.map(([px, py, text]) => ({ px, py, text }));
  const pointBox = (px: number, py: number, r: number): Box => ({ x0: px - r, y0: py - r, x1: px + r, y1: py + r });

  it('keeps the labels of a tight cluster apart, off every point and inside the plot', () => {
    // Four points within 10 px of one another (FLOAT at λ = 0.2, 0.7, 1 and a neighbour), long labels.
    const labels = pts([[300, 100, 'λ = 0.2 (λn 0.20, BN_A)'], [304, 104, 'λ = 0.7 (λn 0.70, BN_A)'], [306, 110, 'λ = 1 (λn 1.00, BN_A)'], [296, 112, 'λ = 0 (λn 0.00, BN_C)']]);
    const placed = placeLabels(labels, { width: 460, height: 300, fontSize: 9, pointRadius: 5 });
    expect(placed).toHaveLength(4);
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1)) expect(overlaps(a.box, b.box)).toBe(false);
      for (const l of labels) expect(overlaps(a.box, pointBox(l.px, l.py, 5))).toBe(false);
      expect(a.box.x0).toBeGreaterThanOrEqual(0);
      expect(a.box.y0).toBeGreaterThanOrEqual(0);
      expect(a.box.x1).toBeLessThanOrEqual(460);
      expect(a.box.y1).toBeLessThanOrEqual(300);
      // The box is as wide as its text.
      expect(a.box.x1 - a.box.x0).toBeCloseTo(textWidth(labels[i]!.text, 9) + 2, 6);
    }
    // In a cluster some label must sit nearer another point than its own or far away: those get a leader line
    // that ends on the label's box.
    expect(placed.some((p) => p.leader)).toBe(true);
    for (const p of placed.filter((q) => q.leader)) expect(boxDistance(p.box, p.lx, p.ly)).toBe(0);
  });
  it('puts a lone label right beside its point, without a leader, and turns it inward at the plot’s right edge', () => {
    const [a] = placeLabels(pts([[100, 150, 'λ = 1']]), { width: 460, height: 300, fontSize: 9 });
    expect(a!.leader).toBe(false);
    expect(a!.box.x0).toBeGreaterThan(100);
    expect(boxDistance(a!.box, 100, 150)).toBeLessThan(10);
    const [b] = placeLabels(pts([[455, 150, 'λ = 1']]), { width: 460, height: 300, fontSize: 9 });
    expect(b!.box.x1).toBeLessThanOrEqual(460);
    expect(b!.box.x1).toBeLessThan(455);
  });
  it('moves a label off a series line when a free spot is near', () => {
    // A horizontal line through the point: right of it (the first choice) would sit on the line.
    const [a] = placeLabels(pts([[200, 150, 'λn = 0.2']]), { width: 460, height: 300, fontSize: 9, lines: [[[100, 150], [300, 150]]] });
    expect(a!.box.y1 <= 150 || a!.box.y0 >= 150).toBe(true);
  });
});
