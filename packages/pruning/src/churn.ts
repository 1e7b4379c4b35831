import type { LayerChurn, MaskChurn } from './churn-types';
import { channelsPresent, type LayerMask } from './masks';

export type { LayerChurn, MaskChurn } from './churn-types';

function activeUnits(mask: LayerMask, unit: MaskChurn['unit']): Uint8Array {
  if (unit === 'weights') return mask.bits;
  return Uint8Array.from(channelsPresent(mask.bits, mask.shape), (p) => (p ? 1 : 0));
}

/** The churn between the masks before and after an update (layers matched by name; a new layer counts as all-regrown). */
export function maskChurn(
  before: ReadonlyMap<string, LayerMask>,
  after: ReadonlyMap<string, LayerMask>,
  info: Pick<MaskChurn, 'epoch' | 'step' | 'unit' | 'rate'>,
): MaskChurn {
  const layers: LayerChurn[] = [...after.values()].map((m) => {
    const b = before.get(m.name);
    const a = activeUnits(m, info.unit);
    const o = b ? activeUnits(b, info.unit) : new Uint8Array(a.length);
    let nb = 0;
    let na = 0;
    let pruned = 0;
    let regrown = 0;
    for (let i = 0; i < a.length; i++) {
      nb += o[i];
      na += a[i];
      if (o[i] && !a[i]) pruned++;
      if (!o[i] && a[i]) regrown++;
    }
    return { name: m.name, before: nb, after: na, pruned, regrown };
  });
  const sum = (k: 'before' | 'pruned' | 'regrown') => layers.reduce((s, l) => s + l[k], 0);
  return { ...info, layers, before: sum('before'), pruned: sum('pruned'), regrown: sum('regrown') };
}
