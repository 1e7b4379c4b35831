import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { overlaps, textWidth, toPx } from '../../report/plot-layout';
import { renderSvg } from '../../report/plots';
import { crowdedSeries, figureLayout, figureSpec } from './plots';
import type { FigureData } from './types';

// Figures of the committed reduced-scale report (docs/results/paper-fmnist-quick-1ep-2seeds): crowded clusters,
// coincident points, error bars wider than the spread of the means, a log axis.
const FIGS = JSON.parse(readFileSync(new URL('./test-utils/crowded-figures.json', import.meta.url), 'utf8')) as FigureData[];
const fig = (id: string) => FIGS.find((f) => f.id === id)!;
const bars = (f: FigureData) => f.series.flatMap((s) => s.points.map((p) => ({ xLo: p.x.mean - p.x.std, xHi: p.x.mean + p.x.std, yLo: p.y.mean - p.y.std, yHi: p.y.mean + p.y.std })));
type Layer = { data?: { values: Array<Record<string, unknown>> }; mark: { type: string; color?: string }; encoding: Record<string, { field?: string; scale?: { domain?: number[] }; axis?: { values?: number[] } }> };

describe('figureLayout', () => {
  it.each(FIGS.map((f) => [f.id, f] as const))('%s: no two labels overlap, none covers a point, all inside the plot', (_, f) => {
    const L = figureLayout(f);
    expect(L.placed).toHaveLength(L.labels.length);
    for (const [i, a] of L.placed.entries()) {
      for (const b of L.placed.slice(i + 1)) expect(overlaps(a.box, b.box)).toBe(false);
      for (const p of L.points) expect(overlaps(a.box, p)).toBe(false);
      expect(a.box.x0 >= 0 && a.box.y0 >= 0 && a.box.x1 <= L.width && a.box.y1 <= L.height).toBe(true);
    }
  });
  it.each(FIGS.map((f) => [f.id, f] as const))('%s: the axes cover every error bar and at most a 5%% margin more', (_, f) => {
    const L = figureLayout(f);
    const b = bars(f);
    const t = (v: number) => (L.x.log ? Math.log10(v) : v);
    const [x0, x1] = [Math.min(...b.map((v) => t(v.xLo))), Math.max(...b.map((v) => t(v.xHi)))];
    const [y0, y1] = [Math.min(...b.map((v) => v.yLo)), Math.max(...b.map((v) => v.yHi))];
    const [dx0, dx1] = L.x.domain.map(t) as [number, number];
    expect(dx0).toBeLessThan(x0);
    expect(dx1).toBeGreaterThan(x1);
    expect(x0 - dx0).toBeLessThanOrEqual(0.05 * (x1 - x0) + 1e-9);
    expect(dx1 - x1).toBeLessThanOrEqual(0.05 * (x1 - x0) + 1e-9);
    expect(L.y.domain[0]).toBeLessThan(y0);
    expect(L.y.domain[1]).toBeGreaterThan(y1);
    expect(y0 - L.y.domain[0]).toBeLessThanOrEqual(0.05 * (y1 - y0) + 1e-9);
    expect(L.y.domain[1] - y1).toBeLessThanOrEqual(0.05 * (y1 - y0) + 1e-9);
  });
  it('Fig. 5: the points both λ_th share (λ = 0 and λ = 1) get one label, marked "both", and a ring for the point drawn under', () => {
    const f = fig('fig-5');
    const L = figureLayout(f);
    expect(L.labels).toHaveLength(6);
    expect(L.labels.filter((l) => l.series.length === 2).map((l) => l.text)).toEqual(['λ = 0 (λn 0.00, BN_C) · both', 'λ = 1 (λn 1.00, BN_A) · both']);
    const layers = (figureSpec(f) as { layer: Layer[] }).layer;
    const ring = layers.find((l) => l.mark.type === 'point' && l.data);
    expect(ring?.data?.values.map((v) => [v.series, v.label])).toEqual([['λ_th = 0', 'λ = 0 (λn 0.00, BN_C)'], ['λ_th = 0', 'λ = 1 (λn 1.00, BN_A)']]);
  });
  it('the plot is as wide as its title needs (no empty band beside a narrow plot), within 460–720 px', () => {
    for (const f of FIGS) {
      const L = figureLayout(f);
      const title = Math.max(textWidth(f.title, 14, true), ...f.subtitle.map((s) => textWidth(s, 10)));
      expect(L.width).toBeGreaterThanOrEqual(460);
      expect(L.width).toBeLessThanOrEqual(720);
      if (title < 780) expect(L.width + 60).toBeGreaterThanOrEqual(title - 1);
    }
  });
});

describe('figureSpec', () => {
  it('draws each label at its placed box, on the fitted domains', () => {
    const f = fig('fig-2b');
    const L = figureLayout(f);
    const spec = figureSpec(f) as { width: number; layer: Layer[] };
    expect(spec.width).toBe(L.width);
    const text = spec.layer.filter((l) => l.mark.type === 'text');
    const drawn = text.flatMap((l) => l.data!.values);
    expect(drawn).toHaveLength(L.labels.length);
    for (const d of drawn) {
      const i = L.labels.findIndex((l) => l.text === d.label && Math.abs(toPx(L.x, d.x as number, L.width) - l.px) < 1e-6 && Math.abs(toPx(L.y, d.y as number, L.height, true) - l.py) < 1e-6);
      expect(i).toBeGreaterThanOrEqual(0);
      const b = L.placed[i]!.box;
      expect(toPx(L.x, d.tx as number, L.width)).toBeCloseTo(b.x0 + 1, 6);
      expect(toPx(L.y, d.ty as number, L.height, true)).toBeCloseTo((b.y0 + b.y1) / 2, 6);
    }
    // Each label's white backing box is its placed box.
    const backing = spec.layer.find((l) => l.mark.type === 'rect')!.data!.values;
    expect(backing).toHaveLength(L.labels.length);
    for (const d of backing) {
      const i = L.labels.findIndex((l) => l.text === d.label && Math.abs(toPx(L.x, d.x as number, L.width) - l.px) < 1e-6 && Math.abs(toPx(L.y, d.y as number, L.height, true) - l.py) < 1e-6);
      expect(toPx(L.x, d.bx1 as number, L.width) - toPx(L.x, d.bx0 as number, L.width)).toBeCloseTo(L.placed[i]!.box.x1 - L.placed[i]!.box.x0, 6);
    }
    for (const l of spec.layer) {
      for (const ch of ['x', 'y'] as const) {
        const dom = l.encoding[ch]?.scale?.domain;
        if (dom) expect(dom).toEqual(ch === 'x' ? L.x.domain : L.y.domain);
      }
    }
  });
  it('Fig. 10(b): a log axis is labelled at the measured K only', () => {
    const spec = figureSpec(fig('fig-10b')) as { layer: Layer[] };
    expect(spec.layer[3]!.encoding.x!.axis!.values).toEqual([1, 2, 5, 10, 20, 50]);
  });
  it('renders an SVG no wider than the plot, its axis and padding need (Vega’s own text estimate left a third empty)', async () => {
    const f = fig('fig-3');
    const svg = await renderSvg(figureSpec(f));
    const w = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)![1]);
    const L = figureLayout(f);
    const title = Math.max(textWidth(f.title, 14, true), ...f.subtitle.map((s) => textWidth(s, 10)));
    expect(w).toBeLessThanOrEqual(Math.max(L.width + 110, title + 24 + 2));
  });
});

describe('detail panels', () => {
  type Panel = { width: number; title?: { text: string }; layer: Layer[] };
  const domains = (p: Panel) => {
    const enc = p.layer[0]!.encoding;
    return { x: enc.x!.scale!.domain!, y: enc.y!.scale!.domain! };
  };
  it('Fig. 9(b): FLOAT and OAT, 40 CA points apart with each cluster within 3, each get an enlarged panel', () => {
    const f = fig('fig-9b');
    expect(crowdedSeries(f)).toEqual(['FLOAT', 'OAT']);
    const spec = figureSpec(f) as { hconcat: Panel[]; resolve: unknown };
    expect(spec.hconcat.map((p) => p.title?.text)).toEqual([undefined, 'FLOAT, enlarged', 'OAT, enlarged']);
    const [main, ...details] = spec.hconcat;
    for (const [i, d] of details.entries()) {
      const s = f.series[i]!;
      // Fitted to its own series: every mean inside, the joint axes' other series outside.
      const dom = domains(d);
      for (const p of s.points) expect(p.x.mean > dom.x[0]! && p.x.mean < dom.x[1]! && p.y.mean > dom.y[0]! && p.y.mean < dom.y[1]!).toBe(true);
      for (const p of f.series[1 - i]!.points) expect(p.x.mean > dom.x[0]! && p.x.mean < dom.x[1]!).toBe(false);
      // Colours: every panel's scale lists every series, so FLOAT stays blue beside OAT.
      expect(d.layer[0]!.encoding.color!.scale!.domain).toEqual(['FLOAT', 'OAT']);
      // Its labels collide with nothing, inside its plot.
      const L = figureLayout({ ...f, series: [s] }, { width: d.width });
      for (const [j, a] of L.placed.entries()) {
        for (const b of L.placed.slice(j + 1)) expect(overlaps(a.box, b.box)).toBe(false);
        for (const p of L.points) expect(overlaps(a.box, p)).toBe(false);
        expect(a.box.x0 >= 0 && a.box.y0 >= 0 && a.box.x1 <= L.width && a.box.y1 <= L.height).toBe(true);
      }
    }
    // The main panel outlines each enlarged region.
    const outline = main!.layer.find((l) => l.mark.type === 'rect' && l.data?.values[0]?.rx0 !== undefined)!;
    expect(outline.data!.values).toEqual(details.map((d) => ({ rx0: domains(d).x[0], rx1: domains(d).x[1], ry0: domains(d).y[0], ry1: domains(d).y[1] })));
  });
  it.each(['fig-2b', 'fig-3', 'fig-5', 'fig-10b'])('%s: a figure whose series spread over the axes stays one panel', (id) => {
    expect(crowdedSeries(fig(id))).toEqual([]);
    expect(figureSpec(fig(id))).not.toHaveProperty('hconcat');
  });
  it('renders the three panels of Fig. 9(b) side by side', async () => {
    const svg = await renderSvg(figureSpec(fig('fig-9b')));
    expect(svg).toContain('FLOAT, enlarged');
    expect(svg).toContain('OAT, enlarged');
  });
});
