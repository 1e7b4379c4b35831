import { condition } from '../condition';
import { meanCrossEntropy } from '../losses';
import type { Plugin } from '../plugin';

/** Plain training on clean inputs: the `standard` method. */
export function standardLossMix(): Plugin {
  return {
    name: 'standard-loss',
    options: {},
    lossMix: {
      prepare({ model, x, y, rng }) {
        const cond = condition({ training: true });
        return { loss: () => meanCrossEntropy(model.forward(x, cond, rng), y), dispose() {} };
      },
    },
  };
}
