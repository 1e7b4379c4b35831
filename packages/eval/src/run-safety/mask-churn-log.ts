import type { Model } from '@floatjs/engine';
import type { MaskChurn, PruningPlugin } from '@floatjs/pruning';

/**
 * The `churn` field of an epoch record in train-log.jsonl: how a mask plugin's epoch-end update changed the masks
 * (units pruned and regrown, per layer and in total), null when no update ran at this epoch's end (the last
 * epoch), and no field at all for a model without a mask plugin.
 */
export function churnField(model: Model, epoch: number): { churn?: MaskChurn | null } {
  const plugin = model.host.plugins.find((p) => typeof (p as Partial<PruningPlugin>).lastChurn === 'function') as PruningPlugin | undefined;
  if (!plugin) return {};
  const churn = plugin.lastChurn();
  return { churn: churn && churn.epoch === epoch ? churn : null };
}

/** The churn in words for the progress line, or '' when there is none. */
export function churnText(field: { churn?: MaskChurn | null }): string {
  const c = field.churn;
  if (!c) return '';
  return `  masks: ${c.pruned} ${c.unit} pruned, ${c.regrown} regrown of ${c.before}`;
}
