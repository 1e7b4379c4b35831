import { channelsPresent } from '../channels';
import type { PruningPlugin } from '../masks';

/**
 * The global totals of `maskStats` (now in @floatjs/eval, packages/eval/src/cost/mask-stats.ts), computed the
 * same way, for this package's tests: pruning cannot import eval (eval depends on pruning).
 */
export function maskStats(plugin: Pick<PruningPlugin, 'masks'>): { size: number; nnz: number; density: number; channelPercent: number } {
  let size = 0;
  let nnz = 0;
  let channels = 0;
  let present = 0;
  for (const m of plugin.masks().values()) {
    const p = channelsPresent(m.bits, m.shape);
    size += m.bits.length;
    nnz += m.nnz;
    channels += p.length;
    present += p.filter(Boolean).length;
  }
  return { size, nnz, density: size ? nnz / size : 0, channelPercent: channels ? (100 * present) / channels : 0 };
}
