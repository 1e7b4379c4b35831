import * as tf from '@tensorflow/tfjs-core';
import { sgdStep } from '../ops/sgd-step';

export interface SgdOptions {
  momentum: number;
  weightDecay: number;
}

/**
 * SGD with momentum and coupled weight decay, exactly as torch.optim.SGD (dampening 0, no Nesterov):
 * g ← g + wd·w;  v ← μ·v + g;  w ← w − lr·v.
 * Momentum buffers are public by name because sparse momentum regrows weights from them.
 */
export class Sgd {
  readonly momentum = new Map<string, tf.Variable>();
  private readonly byTfName = new Map<string, string>();

  constructor(private readonly params: ReadonlyMap<string, tf.Variable>, readonly options: SgdOptions) {
    for (const [name, v] of params) {
      if (!v.trainable) continue;
      this.byTfName.set(v.name, name);
      // The variable shares the zeros' data; the zeros tensor itself would stay alive (a leak) unless freed.
      const zeros = tf.zerosLike(v);
      this.momentum.set(name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  /** Applies gradients keyed by tfjs variable name (as `tf.variableGrads` returns them), then frees them. */
  step(grads: tf.NamedTensorMap, lr: number): void {
    const { momentum: mu, weightDecay: wd } = this.options;
    for (const [tfName, g] of Object.entries(grads)) {
      const name = this.byTfName.get(tfName);
      if (!name) continue;
      const w = this.params.get(name)!;
      const buf = this.momentum.get(name)!;
      const [newW, newBuf] = sgdStep(w, g, buf, { lr, momentum: mu, weightDecay: wd });
      buf.assign(newBuf);
      w.assign(newW);
      newBuf.dispose();
      newW.dispose();
    }
    for (const g of Object.values(grads)) g.dispose();
  }

  dispose(): void {
    for (const v of this.momentum.values()) v.dispose();
  }
}
