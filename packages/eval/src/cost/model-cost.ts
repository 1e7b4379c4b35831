import type { MethodKit, Model } from '@floatjs/engine';
import { delayKindOf, delayModel, type DelayKind, type DelayReport } from './delay';
import { countFlops, type FlopCount } from './flops';
import { countParams, parameterStorage, type ParamBreakdown, type Storage } from './params';

/** Every analytic cost of one built model. */
export interface ModelCost {
  params: ParamBreakdown;
  flops: Omit<FlopCount, 'layers'>;
  storage: Storage;
  /** Which of Eqs. 7-9 the model's method declares, and its summed conv-layer delay in ns. */
  delayKind: DelayKind;
  delayNs: number;
  delay: DelayReport;
}

/** `method`: the kit the model was built with (its `cost.delayKind` picks the delay equation; absent, Eq. 7). */
export async function modelCost(model: Model, method?: Pick<MethodKit, 'cost'>, bitsPerWeight = 8): Promise<ModelCost> {
  const { layers, ...flops } = await countFlops(model);
  const delay = delayModel(layers);
  const delayKind = delayKindOf(method);
  return { params: countParams(model), flops, storage: parameterStorage(model, bitsPerWeight), delayKind, delayNs: delay.totalNs[delayKind], delay };
}
