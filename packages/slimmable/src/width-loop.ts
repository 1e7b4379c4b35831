import * as tf from '@tensorflow/tfjs-core';
import { standardLossMix, type LossMixHook, type ModelView, type Plugin, type PreparedLoss, type WrappingLossMixHook } from '@floatjs/engine';
import type { WidthOptions } from './switchable-norm';
import { checkWidth, checkWidths, DEFAULT_WIDTHS } from './width';

/**
 * The model seen at one width: every forward and logits function it hands out runs with `cond.width = width`
 * (whatever width the caller's condition had); everything else is the model itself.
 */
export function atWidth<M extends ModelView>(model: M, width: number): M {
  checkWidth(width, 'atWidth');
  const view = Object.create(model) as M;
  view.forward = (x, cond, rng) => model.forward(x, { ...cond, width }, rng);
  view.logitsFn = (cond, rng) => model.logitsFn({ ...cond, width }, rng);
  return view;
}

/**
 * Wraps a loss mix so one training step covers every width: for each width, widest first, the inner mix
 * prepares its loss against the model at that width (its attacks target that sub-network), and the loss
 * is the sum of the widths' losses. The trainer differentiates the sum in one tape, so the gradient is the
 * sum of the widths' gradients and one optimizer step follows: S-Nets' loop (`loss.backward()` per width,
 * gradients accumulating, then `optimizer.step()`).
 */
export function loopOverWidths(inner: LossMixHook, widths: readonly number[]): LossMixHook {
  return {
    prepare(ctx) {
      const prepared: PreparedLoss[] = [];
      try {
        for (const w of widths) prepared.push(inner.prepare({ ...ctx, model: atWidth(ctx.model, w) }));
      } catch (error) {
        for (const p of prepared) p.dispose();
        throw error;
      }
      return {
        loss: () =>
          tf.tidy(() => {
            const losses = prepared.map((p) => p.loss());
            return (losses.length === 1 ? losses[0] : tf.addN(losses)) as tf.Scalar;
          }),
        dispose: () => {
          for (const p of prepared) p.dispose();
        },
      };
    },
  };
}

/**
 * The width loop as a plugin: it wraps the recipe's loss mix (FLOAT's, OAT's, PGD-AT's, ...) wherever that is
 * listed, through the engine's wrapping loss mixes; with no other loss mix it loops plain clean training.
 * The reported training loss is the sum over widths.
 */
export function widthLoop(options: WidthOptions = {}): Plugin {
  const widths = checkWidths(options.widths ?? DEFAULT_WIDTHS, 'widthLoop');
  const lossMix: WrappingLossMixHook = {
    wrap: (inner) => loopOverWidths(inner, widths),
    prepare: (ctx) => loopOverWidths(standardLossMix().lossMix!, widths).prepare(ctx),
  };
  return { name: 'width-loop', options: { widths }, lossMix };
}
