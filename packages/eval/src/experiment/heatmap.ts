import type { Model } from '@floatjs/engine';
import type { Heatmap } from './types';

/** The default layer: the largest non-stem conv, where pruning has the most to choose from. */
function largestConv(model: Model): string {
  const convs = model.layers.filter((l) => l.kind === 'conv2d' && l.role !== 'stem');
  if (!convs.length) throw new Error(`heat map: model ${model.architecture} has no non-stem conv layer`);
  return convs.reduce((a, b) => (b.shape.reduce((x, y) => x * y, 1) > a.shape.reduce((x, y) => x * y, 1) ? b : a)).name;
}

/** |W| of one conv layer of every model, summed over kh·kw, as an (out × in) matrix per model (Fig. 4a). */
export function heatmapOf(models: ReadonlyArray<{ label: string; model: Model }>, layer?: string): Heatmap {
  if (!models.length) throw new Error('heat map: no models');
  const name = layer ?? largestConv(models[0].model);
  let shape: number[] = [];
  const out = models.map(({ label, model }) => {
    const v = model.variables.get(`${name}.kernel`);
    if (!v || v.shape.length !== 4) throw new Error(`heat map: model ${label} has no conv kernel "${name}.kernel"`);
    if (shape.length && shape.join() !== v.shape.join()) throw new Error(`heat map: "${name}" is [${v.shape}] in ${label} but [${shape}] in ${models[0].label}`);
    shape = [...v.shape];
    const [kh, kw, cin, cout] = shape;
    const w = v.dataSync();
    const values = new Array<number>(cout * cin).fill(0);
    let nnz = 0;
    for (let p = 0; p < kh * kw; p++) {
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) {
          const x = w[(p * cin + c) * cout + o];
          values[o * cin + c] += Math.abs(x);
          if (x !== 0) nnz++;
        }
      }
    }
    let present = 0;
    for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) if (values[o * cin + c] > 0) { present++; break; }
    return { label, density: nnz / w.length, channelDensity: present / cin, values: values.map((x) => Number(x.toPrecision(4))) };
  });
  return { layer: name, shape, rows: shape[3], cols: shape[2], models: out };
}
