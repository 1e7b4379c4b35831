import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg, svgToPng, type VegaLiteSpec } from '../../report/plots';
import type { FigureData } from './types';

/** A figure as a Vega-Lite spec: one line per series joined in order, points labelled, ± 1 std bars on both axes. */
export function figureSpec(f: FigureData): VegaLiteSpec {
  const values = f.series.flatMap((s) =>
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
  ).filter((v) => Number.isFinite(v.x) && Number.isFinite(v.y));
  const xs = values.map((v) => v.x);
  // A log axis ends at the data (a nice log scale ran K to 100 past a last point at 50).
  const xScale = f.xLog && xs.length ? { type: 'log', domain: [Math.min(...xs), Math.max(...xs)], nice: false } : { zero: false, nice: true };
  const x = { field: 'x', type: 'quantitative', title: f.xTitle, scale: xScale };
  const y = { field: 'y', type: 'quantitative', title: f.yTitle, scale: { zero: false, nice: true } };
  const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 480 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: f.title, subtitle: f.subtitle },
    width: 460,
    height: 300,
    background: 'white',
    padding: 12,
    data: { values },
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.7 }, encoding: { x: { ...x, field: 'xLo' }, x2: { field: 'xHi' }, y, color } },
      { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.7 }, encoding: { x, y: { ...y, field: 'yLo' }, y2: { field: 'yHi' }, color } },
      { mark: { type: 'line', strokeWidth: 2, opacity: 0.85 }, encoding: { x, y, color, order: { field: 'order', type: 'quantitative' } } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color, tooltip: [{ field: 'label' }, { field: 'n', title: 'seeds' }] } },
      { mark: { type: 'text', dx: 6, dy: -7, align: 'left', fontSize: 9, opacity: 0.8 }, encoding: { x, y, text: { field: 'label' }, color } },
    ],
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', title: { fontSize: 14, subtitleFontSize: 10, anchor: 'start' }, view: { stroke: '#ddd' } },
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
