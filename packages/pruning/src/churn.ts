import type { LayerChurn, MaskChurn } from './churn-types';
import { channelsPresent } from './channels';
import type { LayerMask } from './masks';

export type { LayerChurn, MaskChurn } from './churn-types';

/** The churn between the masks before and after an update (layers matched by name; a new layer counts as all-regrown). */
export function maskChurn(
  before: ReadonlyMap<string, LayerMask>,
  after: ReadonlyMap<string, LayerMask>,
  info: Pick<MaskChurn, 'epoch' | 'step' | 'unit' | 'rate'>,
): MaskChurn {
  // Active units as 0/1: the weights themselves, or one per input channel.
  const units = (m: LayerMask) => (info.unit === 'weights' ? m.bits : Uint8Array.from(channelsPresent(m.bits, m.shape), (p) => (p ? 1 : 0)));
  const layers = [...after.values()].map((m): LayerChurn => {
    const b = before.get(m.name);
    const a = units(m);
    const o = b ? units(b) : new Uint8Array(a.length);
    const l = { name: m.name, before: 0, after: 0, pruned: 0, regrown: 0 };
    for (let i = 0; i < a.length; i++) {
      l.before += o[i];
      l.after += a[i];
      if (o[i] && !a[i]) l.pruned++;
      if (!o[i] && a[i]) l.regrown++;
    }
    return l;
  });
  const sum = (k: 'before' | 'pruned' | 'regrown') => layers.reduce((s, l) => s + l[k], 0);
  return { ...info, layers, before: sum('before'), pruned: sum('pruned'), regrown: sum('regrown') };
}
