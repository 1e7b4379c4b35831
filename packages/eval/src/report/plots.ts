import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stat } from '../experiment/seeds';
import type { ExperimentReport } from '../experiment/types';
import { vegaTextWidth } from './plot-layout';

/** A Vega-Lite v5 specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  title: { fontSize: 15, subtitleFontSize: 11, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  view: { stroke: '#ddd' },
};

const FAMILY_NAME: Record<string, string> = {
  float: 'FLOAT',
  oat: 'OAT',
  'pgd-at': 'PGD-AT',
  standard: 'standard',
  'floats-i': 'FLOATS-i',
  'floats-c': 'FLOATS-c',
  'float-slim': 'FLOAT slim',
  'floats-slim': 'FLOATS slim',
  'oat-slim': 'OAT slim',
};
const familyName = (m: string) => FAMILY_NAME[m] ?? m;

function base(title: string, subtitle: string | string[], width = 520, height = 340): VegaLiteSpec {
  return { $schema: SCHEMA, title: { text: title, subtitle }, width, height, background: 'white', padding: 12, config: CONFIG };
}

/** Bytes in a unit that keeps the numbers readable (decimal: 1 MB = 10^6 bytes, as the paper's 21.28 MB). */
function byteUnit(maxBytes: number): { unit: string; div: number } {
  if (maxBytes >= 1e6) return { unit: 'MB', div: 1e6 };
  if (maxBytes >= 1e3) return { unit: 'kB', div: 1e3 };
  return { unit: 'bytes', div: 1 };
}

const sfLabel = (w: number) => `SF ${w.toFixed(2).replace(/0$/, '')}`;

/**
 * CA–RA trade-off per method (Fig. 6): FLOAT per λ_th, OAT per λ, PGD-AT one point per trained model; slimmable
 * models one series per width as well (Fig. 8).
 */
export function caRaSpec(r: ExperimentReport): VegaLiteSpec {
  const values: Array<Record<string, unknown>> = [];
  const slim = r.acrossSeeds.some((m) => m.rows.some((row) => row.width !== 1));
  const many = r.seeds.length > 1;
  // Runs of one method under other labels (e.g. OAT with two λ sets) get their label in the series name.
  const labelled = new Set(r.acrossSeeds.filter((m, _, all) => m.trainLambda === null && all.some((o) => o !== m && o.method === m.method && o.trainLambda === null)).map((m) => m.label));
  for (const m of r.acrossSeeds) {
    const widths = m.rows.some((row) => row.width !== 1);
    for (const row of m.rows) {
      // Fig. 8 plots λ_th = 0 only: FLOAT slim's λ_th series would double an already crowded plot (the table has them).
      if (slim && (row.lambdaTh ?? 0) !== 0) continue;
      const lambda = m.trainLambda ?? row.lambda;
      const family = labelled.has(m.label) ? `${familyName(m.method)} [${m.label}]` : familyName(m.method);
      const name = widths ? `${family} ${sfLabel(row.width)}` : family;
      let series = name;
      if (m.trainLambda !== null) series = `${name} (one model per λ)`;
      else if (row.lambdaTh !== null && !/^oat/.test(m.method)) series = `${name} (λ_th = ${row.lambdaTh})`;
      // Means across seeds; the bars span ± one std across seeds.
      const { ca, ra } = row;
      values.push({ series, lambda, ca: ca.mean, ra: ra.mean, caLo: ca.mean - ca.std, caHi: ca.mean + ca.std, raLo: ra.mean - ra.std, raHi: ra.mean + ra.std, seeds: ca.n });
    }
  }
  // λ is a point's shape, not a text label: labels of series meeting at one point overprinted one another.
  const lambdaOrder = [...new Set(values.map((v) => v.lambda as number | null))].filter((l): l is number => l !== null).sort((a, b) => a - b);
  for (const v of values) v.lambdaLabel = v.lambda === null ? 'fixed model' : `λ = ${v.lambda}`;
  const attack = r.methods[0]?.attack.name.toUpperCase() ?? '';
  const enc = {
    x: { field: 'ca', type: 'quantitative', title: 'clean accuracy CA (%)', scale: { zero: false, nice: true } },
    y: { field: 'ra', type: 'quantitative', title: `robust accuracy RA under ${attack} (%)`, scale: { zero: false, nice: true } },
    color: { field: 'series', type: 'nominal', title: 'method', legend: { orient: 'right', labelLimit: 320 } },
  };
  return {
    ...base(
      `Clean vs robust accuracy per method${slim ? ' and width' : ''} (cf. FLOAT paper, Fig. ${slim ? 8 : 6})`,
      [
        `${r.preset} · ${r.architecture} · ${r.methods[0]?.testImages ?? 0} test images · ${r.backend.name} backend${slim ? ' · SF = channel width · λ_th = 0' : ''}`,
        ...(many ? [`mean of ${r.seeds.length} seeds (${r.seeds.join(', ')}); bars: ± 1 std across seeds`] : []),
      ],
      460,
    ),
    data: { values },
    layer: [
      ...(many
        ? [
            { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.8 }, encoding: { x: { ...enc.x, field: 'caLo' }, x2: { field: 'caHi' }, y: enc.y, color: enc.color } },
            { mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.8 }, encoding: { x: enc.x, y: { ...enc.y, field: 'raLo' }, y2: { field: 'raHi' }, color: enc.color } },
          ]
        : []),
      // Joined in λ order (the trade-off the knob walks along), never in the order of the x axis.
      { mark: { type: 'line', strokeWidth: 2, opacity: 0.85 }, encoding: { ...enc, order: { field: 'lambda', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 90, opacity: 0.95 },
        encoding: {
          ...enc,
          shape: { field: 'lambdaLabel', type: 'nominal', title: values.some((v) => /one model per λ/.test(v.series as string)) ? 'λ (PGD-AT: trained with)' : 'λ', sort: [...lambdaOrder.map((l) => `λ = ${l}`), 'fixed model'], legend: { orient: 'right', titleLimit: 320 } },
        },
      },
    ],
  };
}

/** Per-epoch training time normalised to FLOAT (Fig. 7a); PGD-AT stacks its per-λ models. */
export function trainTimeSpec(r: ExperimentReport): VegaLiteSpec {
  const floatFamily = r.families.find((f) => f.method === 'float');
  const ref = floatFamily?.secondsPerEpoch ?? r.families[0]?.secondsPerEpoch ?? 1;
  const refName = floatFamily ? 'FLOAT' : familyName(r.families[0]?.method ?? '');
  const many = r.seeds.length > 1;
  const values = r.acrossSeeds.map((m) => ({
    method: familyName(m.method),
    model: m.label,
    normalized: m.secondsPerEpoch.mean / ref,
    seconds: m.secondsPerEpoch.mean,
  }));
  const order = r.families.map((f) => familyName(f.method));
  // ± one std across seeds of each family's summed time per epoch.
  const totals = r.families.map((f) => ({
    method: familyName(f.method),
    lo: (f.secondsPerEpoch - f.secondsPerEpochStd) / ref,
    hi: (f.secondsPerEpoch + f.secondsPerEpochStd) / ref,
    text: `${(f.secondsPerEpoch / ref).toFixed(2)}× (${f.secondsPerEpoch.toFixed(1)} ± ${f.secondsPerEpochStd.toFixed(1)} s)`,
  }));
  const pgdAtModels = r.acrossSeeds.filter((m) => m.method === 'pgd-at').length;
  return {
    ...base(
      `Training time per epoch, normalised to ${refName} (cf. Fig. 7a)`,
      [
        // The PGD-AT clause only where PGD-AT was trained (fmnist-slim has none: "stacks all 0 models").
        [...(pgdAtModels > 0 ? [`PGD-AT needs one model per λ: its bar stacks all ${pgdAtModels} models`] : []), `${refName} = ${ref.toFixed(2)} s/epoch`, `${r.backend.name} backend`].join(' · '),
        ...(many ? [`mean of ${r.seeds.length} seeds; black bars: ± 1 std across seeds of each method's total`] : []),
      ],
      420,
    ),
    data: { values },
    layer: [
      {
        mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x: { field: 'method', type: 'nominal', title: 'method', sort: order, axis: { labelAngle: 0 } },
          y: { aggregate: 'sum', field: 'normalized', type: 'quantitative', title: `training time per epoch (× ${refName}'s)` },
          color: { field: 'model', type: 'nominal', title: 'trained model' },
          tooltip: [{ field: 'model' }, { field: 'seconds', format: '.2f', title: 's/epoch' }],
        },
      },
      ...(many
        ? [
            // Above the error bar: the mean and its std across seeds.
            {
              data: { values: totals },
              mark: { type: 'text', dy: -8, fontSize: 11 },
              encoding: { x: { field: 'method', type: 'nominal', sort: order, title: 'method' }, y: { field: 'hi', type: 'quantitative', title: `training time per epoch (× ${refName}'s)` }, text: { field: 'text', type: 'nominal' } },
            },
          ]
        : [
          {
            transform: [{ aggregate: [{ op: 'sum', field: 'normalized', as: 'total' }, { op: 'sum', field: 'seconds', as: 'secs' }], groupby: ['method'] }, { calculate: "format(datum.total, '.2f') + '× (' + format(datum.secs, '.1f') + ' s)'", as: 'text' }],
            mark: { type: 'text', dy: -8, fontSize: 11 },
            encoding: { x: { field: 'method', type: 'nominal', sort: order, title: 'method' }, y: { field: 'total', type: 'quantitative', title: `training time per epoch (× ${refName}'s)` }, text: { field: 'text', type: 'nominal' } },
          },
          ]),
      ...(many
        ? [
            {
              data: { values: totals },
              mark: { type: 'errorbar', ticks: true, color: 'black' },
              encoding: { x: { field: 'method', type: 'nominal', sort: order, title: 'method' }, y: { field: 'lo', type: 'quantitative', title: `training time per epoch (× ${refName}'s)` }, y2: { field: 'hi' } },
            },
          ]
        : []),
    ],
  };
}

/** Parameter storage at 8 bits per weight (Fig. 7b), one model each plus PGD-AT's set of per-λ models. */
export function storageSpec(r: ExperimentReport): VegaLiteSpec {
  const values: Array<Record<string, unknown>> = [];
  for (const f of r.families) {
    const n = f.models.length;
    values.push({ bar: n > 1 ? `${familyName(f.method)} (1 model)` : familyName(f.method), method: familyName(f.method), bytes: f.storageBytesFig7bPerModel });
    if (n > 1) values.push({ bar: `${familyName(f.method)} ×${n} (1 per λ)`, method: familyName(f.method), bytes: f.storageBytesFig7bPerModel * n });
  }
  const { unit, div } = byteUnit(Math.max(...values.map((v) => v.bytes as number)));
  for (const v of values) v.value = (v.bytes as number) / div;
  return {
    ...base('Parameter storage at 8 bits per weight (cf. Fig. 7b)', `${r.architecture} · BN parameters and α neglected, as in the paper · 1 ${unit} = ${div} bytes`, 420),
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'bar', type: 'nominal', title: 'model(s) stored', sort: values.map((v) => v.bar), axis: { labelAngle: -20, labelLimit: 300 } },
          y: { field: 'value', type: 'quantitative', title: `parameter storage (${unit})` },
          color: { field: 'method', type: 'nominal', title: 'method' },
        },
      },
      { mark: { type: 'text', dy: -8, fontSize: 11 }, encoding: { x: { field: 'bar', type: 'nominal', title: 'model(s) stored', sort: values.map((v) => v.bar) }, y: { field: 'value', type: 'quantitative', title: `parameter storage (${unit})` }, text: { field: 'value', type: 'quantitative', format: '.3~r' } } },
    ],
  };
}

/** The analytic conv-layer delay of Eqs. 7-9 normalised to τ_conv (Fig. 7c): mean bar, min–max range. */
export function delaySpec(r: ExperimentReport): VegaLiteSpec {
  const summaries = [r.delayModel, ...(r.paperReference ? [r.paperReference.delay] : [])];
  const values: Array<Record<string, unknown>> = [];
  const kinds = [
    ['conv', 'PGD-AT / plain (Eq. 7)'],
    ['float', 'FLOAT (Eq. 8)'],
    ['oat', 'OAT (Eq. 9)'],
  ] as const;
  for (const s of summaries) {
    const arch = `${s.architecture} ${s.input.height}×${s.input.width}×${s.input.channels}`;
    for (const [k, name] of kinds) values.push({ arch, model: name, mean: s.normalized[k].mean, min: s.normalized[k].min, max: s.normalized[k].max, totalUs: s.totalNs[k] / 1000 });
  }
  const c = r.delayModel.constants;
  const order = kinds.map(([, n]) => n);
  const x = { field: 'arch', type: 'nominal', title: 'architecture (input)', axis: { labelAngle: 0 } };
  const xOffset = { field: 'model', type: 'nominal', sort: order };
  const yTitle = 'delay per conv layer (× τ_conv of Eq. 7)';
  return {
    ...base(
      'Conv-layer compute delay, Eqs. 7–9, normalised to τ_conv (cf. Fig. 7c)',
      [
        `bar: mean over conv layers; line: min–max · B_IO=${c.bIO}, B_W=${c.bW}, N_bank=${c.nBank}, N_mult=${c.nMult}, τ_read=${c.tauReadNs} ns, τ_mult=${c.tauMultNs} ns`,
        `per layer, OAT's delay over FLOAT's is up to ${summaries.map((s) => `${s.oatOverFloat.max.toFixed(2)}× (${s.architecture})`).join(', ')}; paper, ResNet-34: up to 1.66×`,
      ],
      460,
    ),
    data: { values },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset,
          y: { field: 'mean', type: 'quantitative', title: yTitle, scale: { zero: true } },
          color: { field: 'model', type: 'nominal', title: 'conv layer of', sort: order, legend: { labelLimit: 300 } },
          tooltip: [{ field: 'model' }, { field: 'mean', format: '.4f' }, { field: 'totalUs', format: '.1f', title: 'total (µs)' }],
        },
      },
      { mark: { type: 'rule', strokeWidth: 2, color: 'black' }, encoding: { x, xOffset, y: { field: 'min', type: 'quantitative', title: yTitle }, y2: { field: 'max' } } },
      { mark: { type: 'text', dy: -10, fontSize: 10 }, encoding: { x, xOffset, y: { field: 'max', type: 'quantitative', title: yTitle }, text: { field: 'mean', type: 'quantitative', format: '.3f' } } },
    ],
  };
}

/** Measured inference latency per trained model, at λ = 0 and λ = 1 (median bar, min–max line). */
export function latencySpec(r: ExperimentReport): VegaLiteSpec {
  const perSeed: Array<{ model: string; condition: string; median: number; min: number; max: number }> = [];
  for (const m of r.methods) {
    for (const l of m.latency.byLambda) {
      const at = l.lambda === null ? 'fixed model (no λ knob)' : `λ = ${l.lambda}`;
      perSeed.push({ model: m.label, condition: (l.width ?? 1) === 1 ? at : `${at}, ${sfLabel(l.width)}`, median: l.medianMs, min: l.minMs, max: l.maxMs });
    }
    // The exported narrow model: its own kernels, no slicing on the forward.
    for (const l of m.slim?.latency ?? []) {
      perSeed.push({ model: m.label, condition: `λ = ${l.lambda}, exported ${sfLabel(m.slim!.narrow.width)} model`, median: l.narrowMs, min: l.narrowMs, max: l.narrowMs });
    }
  }
  // One seed: median bar, min–max of the timed forwards. Several: the mean of the seeds' medians, ± one std across seeds.
  const many = r.seeds.length > 1;
  const groups = new Map<string, typeof perSeed>();
  for (const v of perSeed) groups.set(`${v.model}|${v.condition}`, [...(groups.get(`${v.model}|${v.condition}`) ?? []), v]);
  const values = [...groups.values()].map((g) => {
    if (!many) return { ...g[0] };
    const s = stat(g.map((v) => v.median));
    return { model: g[0].model, condition: g[0].condition, median: s.mean, min: s.mean - s.std, max: s.mean + s.std };
  });
  const batch = r.methods[0]?.latency.batch ?? 0;
  const order = r.acrossSeeds.map((m) => m.label);
  const x = { field: 'model', type: 'nominal', title: 'trained model', sort: order, axis: { labelAngle: -20 } };
  const xOffset = { field: 'condition', type: 'nominal' };
  const yTitle = `latency per batch of ${batch} images (ms)`;
  return {
    ...base(
      'Measured inference latency per model',
      many
        ? [`mean over ${r.seeds.length} seeds of the median of timed forwards of a batch of ${batch} images`, `line: ± 1 std across seeds · ${r.architecture} · ${r.backend.name} backend`]
        : `median of timed forwards of a batch of ${batch} images (line: min–max) · ${r.architecture} · ${r.backend.name} backend`,
      460,
    ),
    data: { values },
    layer: [
      { mark: { type: 'bar' }, encoding: { x, xOffset, y: { field: 'median', type: 'quantitative', title: yTitle }, color: { field: 'condition', type: 'nominal', title: 'evaluated at', legend: { labelLimit: 300 } } } },
      { mark: { type: 'rule', strokeWidth: 1.5, color: 'black' }, encoding: { x, xOffset, y: { field: 'min', type: 'quantitative', title: yTitle }, y2: { field: 'max' } } },
    ],
  };
}

export const PLOTS: ReadonlyArray<[name: string, spec: (r: ExperimentReport) => VegaLiteSpec]> = [
  ['ca-ra', caRaSpec],
  ['train-time', trainTimeSpec],
  ['storage', storageSpec],
  ['delay', delaySpec],
  ['latency', latencySpec],
];

/** Fig. 4a: |W| of one conv layer per model (summed over the kernel taps); pruned channels show as empty columns. */
export function heatmapSpec(r: ExperimentReport): VegaLiteSpec {
  const h = r.heatmap;
  if (!h) throw new Error('heatmapSpec: the report has no heat map');
  const values: Array<Record<string, unknown>> = [];
  const titles: string[] = [];
  for (const m of h.models) {
    // One header line each for the name and the two densities ('|' is split by the header's labelExpr).
    const title = `${familyName(m.label)}|density ${(100 * m.density).toFixed(1)}%|input channels ${(100 * m.channelDensity).toFixed(1)}%`;
    titles.push(title);
    m.values.forEach((v, i) => values.push({ model: title, out: Math.floor(i / h.cols), in: i % h.cols, w: v }));
  }
  const [kh, kw] = h.shape;
  const cell = Math.max(3, Math.min(8, Math.floor(400 / Math.max(h.rows, h.cols))));
  return {
    ...base(`Weight magnitudes of ${h.layer} (Fig. 4a)`, [`Σ|W| over the ${kh}×${kw} taps per (output, input) channel pair; white = all zero.`, `Layer [${h.shape.join(', ')}], ${r.dataset}.`], h.cols * cell, h.rows * cell),
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      column: { field: 'model', type: 'nominal', title: null, sort: titles, header: { labelFontSize: 12, labelLimit: 400, labelExpr: "split(datum.label, '|')" } },
      x: { field: 'in', type: 'ordinal', title: 'input channel', axis: { labels: false, ticks: false } },
      y: { field: 'out', type: 'ordinal', title: 'output channel', axis: { labels: false, ticks: false } },
      color: {
        condition: { test: 'datum.w === 0', value: 'white' },
        field: 'w',
        type: 'quantitative',
        title: 'Σ|W|',
        scale: { scheme: 'viridis', type: 'sqrt' },
      },
    },
  };
}

/** The plots of a report: the fixed set, plus the heat map for compression experiments. */
export function plotsFor(r: ExperimentReport): ReadonlyArray<[name: string, spec: (r: ExperimentReport) => VegaLiteSpec]> {
  return r.heatmap ? [...PLOTS, ['heatmap', heatmapSpec]] : PLOTS;
}

/** A CommonJS/UMD package imported from ESM may put its exports under `default` only. */
function interop<T extends object>(mod: T, probe: string): T {
  if (probe in mod) return mod;
  const d = (mod as { default?: unknown }).default;
  if (d && typeof d === 'object' && probe in d) return d as T;
  throw new Error(`plots: the imported module has no export "${probe}"`);
}

/** Vega-Lite → Vega → SVG, headless (no canvas). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vega = interop(await import('vega'), 'View');
  const vl = interop(await import('vega-lite'), 'compile');
  // Lay text out at the widths it is drawn with (Vega's canvas-less estimate is far too wide; see vegaTextWidth).
  (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = vegaTextWidth;
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG → PNG at `scale`× through resvg, with the system's fonts (DejaVu Sans where present). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = interop(await import('@resvg/resvg-js'), 'Resvg');
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

/** Writes `<name>.vl.json`, `<name>.svg` and `<name>.png` for every plot; returns the SVG and PNG file names. */
export async function writePlots(r: ExperimentReport, dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const [name, make] of plotsFor(r)) {
    const spec = make(r);
    writeFileSync(join(dir, `${name}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
    const svg = await renderSvg(spec);
    writeFileSync(join(dir, `${name}.svg`), svg);
    writeFileSync(join(dir, `${name}.png`), await svgToPng(svg));
    files.push(`${name}.svg`, `${name}.png`);
  }
  return files;
}
