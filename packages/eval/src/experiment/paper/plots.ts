import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitDomain, fromPx, placeLabels, textWidth, toPx, type Box, type Domain, type PlacedLabel } from '../../report/plot-layout';
import { renderSvg, svgToPng, type VegaLiteSpec } from '../../report/plots';
import type { FigureData } from './types';

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const TITLE_SIZE = 14;
const SUBTITLE_SIZE = 10;
const LABEL_SIZE = 9;
const POINT_SIZE = 70;
const MIN_WIDTH = 460;
const MAX_WIDTH = 720;
const HEIGHT = 300;
/** A detail panel's width, px, and the distance under which two points of a series count as crowded. */
const DETAIL_WIDTH = 300;
const DETAIL_GAP = 24;
/** Room the y axis (ticks, labels, title) takes left of the plot area, px. */
const Y_AXIS_ROOM = 60;
const NEUTRAL = '#333';

/** One label drawn per point position: points of several series that coincide share it. */
export interface FigureLabel {
  /** The text drawn (a shared label ends in "· both" or "· all"). */
  text: string;
  /** The series whose points carry it (several when their points coincide). */
  series: string[];
  px: number;
  py: number;
}

export interface FigureLayout {
  width: number;
  height: number;
  x: Domain;
  y: Domain;
  labels: FigureLabel[];
  placed: PlacedLabel[];
  /** The box of every point mark, px of the plot area. */
  points: Box[];
}

type Row = { series: string; order: number; label: string; x: number; y: number; xLo: number; xHi: number; yLo: number; yHi: number; n: number };

function rows(f: FigureData): Row[] {
  return f.series
    .flatMap((s) =>
      s.points.map((p, i) => ({
        series: s.name,
        order: i,
        label: p.label,
        x: p.x.mean,
        y: p.y.mean,
        xLo: p.x.mean - (p.x.std || 0),
        xHi: p.x.mean + (p.x.std || 0),
        yLo: p.y.mean - (p.y.std || 0),
        yHi: p.y.mean + (p.y.std || 0),
        n: p.y.n,
      })),
    )
    .filter((v) => Number.isFinite(v.x) && Number.isFinite(v.y) && (!f.xLog || v.x > 0));
}

/**
 * The figure's geometry before Vega draws it: the plot's width (as wide as its title needs, within bounds), axis
 * domains fitted to the data and its error bars with a 5% margin, and each point's label placed clear of the other
 * labels and points (see {@link placeLabels}).
 */
export function figureLayout(f: FigureData, opts: { width?: number } = {}): FigureLayout {
  const values = rows(f);
  const titleW = Math.max(textWidth(f.title, TITLE_SIZE, true), ...f.subtitle.map((s) => textWidth(s, SUBTITLE_SIZE)));
  const width = opts.width ?? Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, titleW - Y_AXIS_ROOM)));
  const height = HEIGHT;
  const x = fitDomain(values.map((v) => v.xLo), values.map((v) => v.xHi), { log: f.xLog });
  const y = fitDomain(values.map((v) => v.yLo), values.map((v) => v.yHi));
  const at = (v: Row) => ({ px: toPx(x, v.x, width), py: toPx(y, v.y, height, true) });
  // Points of several series at one spot with one label (e.g. both λ_th at λ = 0) get that label once.
  const labels: FigureLabel[] = [];
  for (const v of values) {
    const p = at(v);
    const same = labels.find((l) => l.text === v.label && Math.abs(l.px - p.px) < 1.5 && Math.abs(l.py - p.py) < 1.5);
    if (same) {
      if (!same.series.includes(v.series)) same.series.push(v.series);
    } else labels.push({ text: v.label, series: [v.series], ...p });
  }
  // A shared label says so (its point shows a ring of the series drawn under it).
  for (const l of labels) if (l.series.length > 1) l.text = `${l.text} · ${l.series.length === f.series.length ? (l.series.length === 2 ? 'both' : 'all') : `${l.series.length} series`}`;
  // The series' lines and the error bars are drawn over by a label only when nothing else is free.
  const lines: Array<Array<[number, number]>> = f.series.map((s) => values.filter((v) => v.series === s.name).sort((a, b) => a.order - b.order).map((v) => [at(v).px, at(v).py] as [number, number]));
  const bars: Array<Array<[number, number]>> = [];
  for (const v of values) {
    const p = at(v);
    bars.push([[toPx(x, v.xLo, width), p.py], [toPx(x, v.xHi, width), p.py]], [[p.px, toPx(y, v.yLo, height, true)], [p.px, toPx(y, v.yHi, height, true)]]);
  }
  const pr = Math.sqrt(POINT_SIZE) / 2 + 1;
  const placed = placeLabels(labels, { width, height, fontSize: LABEL_SIZE, pointRadius: pr, lines, bars });
  const points = values.map((v) => {
    const p = at(v);
    return { x0: p.px - pr, y0: p.py - pr, x1: p.px + pr, y1: p.py + pr };
  });
  return { width, height, x, y, labels, placed, points };
}

/**
 * One panel: one line per series joined in order, ± 1 std bars on both axes, each point labelled where its label
 * collides with no other (a leader line when it had to move away), axes fitted to the data. `names` are every series
 * of the figure, so that a panel showing some of them keeps their colours; `zoom` outlines a detail panel's region.
 */
function panelSpec(f: FigureData, L: FigureLayout, names: readonly string[], zoom: readonly FigureLayout[] = []): VegaLiteSpec {
  const values = rows(f);
  const xScale = L.x.log ? { type: 'log', domain: L.x.domain, nice: false } : { domain: L.x.domain, nice: false, zero: false };
  // A log axis is labelled at the measured values (a default log axis labelled some minor ticks and not others).
  const xAxis = L.x.log ? { values: [...new Set(values.map((v) => v.x))].sort((a, b) => a - b) } : {};
  const x = { field: 'x', type: 'quantitative', title: f.xTitle, scale: xScale, axis: xAxis };
  const y = { field: 'y', type: 'quantitative', title: f.yTitle, scale: { domain: L.y.domain, nice: false, zero: false } };
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: names }, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 480 } };
  const text = L.labels.map((l, i) => {
    const b = L.placed[i]!.box;
    return {
      series: l.series[0],
      shared: l.series.length > 1,
      label: l.text,
      tx: fromPx(L.x, b.x0 + 1, L.width),
      bx0: fromPx(L.x, b.x0, L.width),
      bx1: fromPx(L.x, b.x1, L.width),
      by0: fromPx(L.y, b.y1, L.height, true),
      by1: fromPx(L.y, b.y0, L.height, true),
      ty: fromPx(L.y, (b.y0 + b.y1) / 2, L.height, true),
      x: fromPx(L.x, l.px, L.width),
      y: fromPx(L.y, l.py, L.height, true),
      lx: fromPx(L.x, L.placed[i]!.lx, L.width),
      ly: fromPx(L.y, L.placed[i]!.ly, L.height, true),
      leader: L.placed[i]!.leader,
    };
  });
  // A point hidden under a later series' point at the same spot shows as a ring around it.
  const hidden = values.filter((v, i) => values.some((w, j) => j > i && w.series !== v.series && Math.abs(toPx(L.x, w.x, L.width) - toPx(L.x, v.x, L.width)) < 1.5 && Math.abs(toPx(L.y, w.y, L.height, true) - toPx(L.y, v.y, L.height, true)) < 1.5));
  const tx = { ...x, field: 'tx' };
  const ty = { ...y, field: 'ty' };
  const regions = zoom.map((z) => ({ rx0: z.x.domain[0], rx1: z.x.domain[1], ry0: z.y.domain[0], ry1: z.y.domain[1] }));
  return {
    width: L.width,
    height: L.height,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.7 }, encoding: { x: { ...x, field: 'xLo' }, x2: { field: 'xHi' }, y, color } },
      { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.7 }, encoding: { x, y: { ...y, field: 'yLo' }, y2: { field: 'yHi' }, color } },
      { mark: { type: 'line', strokeWidth: 2, opacity: 0.85 }, encoding: { x, y, color, order: { field: 'order', type: 'quantitative' } } },
      ...(hidden.length ? [{ data: { values: hidden }, mark: { type: 'point', filled: false, size: POINT_SIZE * 3, strokeWidth: 2.5, opacity: 1 }, encoding: { x, y, color } }] : []),
      { mark: { type: 'point', filled: true, size: POINT_SIZE, opacity: 1 }, encoding: { x, y, color, tooltip: [{ field: 'label' }, { field: 'series' }, { field: 'n', title: 'seeds' }] } },
      ...(regions.length ? [{ data: { values: regions }, mark: { type: 'rect', filled: false, clip: true, stroke: '#999', strokeWidth: 1, strokeDash: [4, 3] }, encoding: { x: { ...x, field: 'rx0' }, x2: { field: 'rx1' }, y: { ...y, field: 'ry0' }, y2: { field: 'ry1' } } }] : []),
      ...(text.some((t) => t.leader) ? [{ data: { values: text.filter((t) => t.leader) }, mark: { type: 'rule', strokeWidth: 0.8, color: '#888' }, encoding: { x, y, x2: { field: 'lx' }, y2: { field: 'ly' } } }] : []),
      // A white box under each label keeps it readable where it has to sit on a line or an error bar.
      { data: { values: text }, mark: { type: 'rect', color: 'white', opacity: 0.85 }, encoding: { x: { ...x, field: 'bx0' }, x2: { field: 'bx1' }, y: { ...y, field: 'by0' }, y2: { field: 'by1' } } },
      { data: { values: text.filter((t) => !t.shared) }, mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: LABEL_SIZE }, encoding: { x: tx, y: ty, text: { field: 'label' }, color } },
      ...(text.some((t) => t.shared) ? [{ data: { values: text.filter((t) => t.shared) }, mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: LABEL_SIZE, color: NEUTRAL }, encoding: { x: tx, y: ty, text: { field: 'label' } } }] : []),
    ],
  };
}

/**
 * The series drawn again, enlarged, beside the figure: at least 3 points inside a box under a third of the plot on
 * both axes, two of them closer than DETAIL_GAP px. That happens when another series lies far away (the joint axes
 * span both): Fig. 9's FLOAT points sat within 2 CA points of each other while OAT's were 40 points off.
 */
export function crowdedSeries(f: FigureData, L: FigureLayout = figureLayout(f)): string[] {
  if (f.series.length < 2) return [];
  const px = rows(f).map((v) => ({ series: v.series, x: toPx(L.x, v.x, L.width), y: toPx(L.y, v.y, L.height, true) }));
  return f.series
    .map((s) => s.name)
    .filter((name) => {
      const own = px.filter((p) => p.series === name);
      if (own.length < 3) return false;
      const span = (k: 'x' | 'y') => Math.max(...own.map((p) => p[k])) - Math.min(...own.map((p) => p[k]));
      const close = own.some((p, i) => own.slice(i + 1).some((q) => Math.hypot(p.x - q.x, p.y - q.y) < DETAIL_GAP));
      return span('x') < L.width / 3 && span('y') < L.height / 3 && close;
    });
}

/**
 * A figure as a Vega-Lite spec: its panel (see {@link panelSpec}) and, for each crowded series (see
 * {@link crowdedSeries}), a detail panel beside it on axes fitted to that series alone, its region outlined in the
 * main panel.
 */
export function figureSpec(f: FigureData): VegaLiteSpec {
  const L = figureLayout(f);
  const names = f.series.map((s) => s.name);
  const details = crowdedSeries(f, L).map((name) => {
    const d: FigureData = { ...f, series: f.series.filter((s) => s.name === name) };
    return { name, d, L: figureLayout(d, { width: DETAIL_WIDTH }) };
  });
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: f.title, subtitle: f.subtitle },
    background: 'white',
    padding: 12,
    config: { font: FONT, title: { fontSize: TITLE_SIZE, subtitleFontSize: SUBTITLE_SIZE, anchor: 'start' }, view: { stroke: '#ddd' } },
  };
  if (!details.length) return { ...common, ...panelSpec(f, L, names) };
  return {
    ...common,
    hconcat: [
      panelSpec(f, L, names, details.map((x) => x.L)),
      ...details.map((x) => ({ title: { text: `${x.name}, enlarged`, fontSize: SUBTITLE_SIZE + 1, subtitle: [] }, ...panelSpec(x.d, x.L, names) })),
    ],
    resolve: { scale: { x: 'independent', y: 'independent', color: 'shared' } },
  };
}

/** Writes `<id>.vl.json`, `<id>.svg` and `<id>.png` per figure into `dir`; returns the SVG and PNG names. */
export async function writeFigurePlots(figures: readonly FigureData[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const f of figures) {
    const spec = figureSpec(f);
    writeFileSync(join(dir, `${f.id}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
    const svg = await renderSvg(spec);
    writeFileSync(join(dir, `${f.id}.svg`), svg);
    writeFileSync(join(dir, `${f.id}.png`), await svgToPng(svg));
    files.push(`${f.id}.svg`, `${f.id}.png`);
  }
  return files;
}
